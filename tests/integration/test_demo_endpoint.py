"""The app's demo mode (issue 18): its local server takes only a random key made for
this run (kept out of the log), and quitting does not wait on that server's clients."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import pytest
from google.genai import errors

from gemini_desk.app.endpoints import Endpoints
from gemini_desk.platform.logs import REDACTOR
from gemini_desk.sim import SimThread
from tests.support.sim_fixtures import sdk_client
from tests.support.stuck_client import stuck_client


def demo_endpoints() -> Endpoints:
    args = argparse.Namespace(demo=True, base_url=None, connect=False)
    none: Any = None  # demo() needs none of the app's other parts
    return Endpoints(args, none, none, none, none, none)


async def list_models(sim: SimThread, key: str) -> int:
    pager = await sdk_client(sim, api_key=key).aio.models.list()
    return len([m async for m in pager])


def test_each_run_has_its_own_demo_key_and_the_well_known_one_is_refused() -> None:
    first, second = demo_endpoints(), demo_endpoints()
    try:
        one, two = first.demo(), second.demo()
        assert first.sim is not None
        assert one.demo and one.api_key != two.api_key
        assert "demo-key" not in (one.api_key, two.api_key) and len(one.api_key) >= 32
        assert first.demo().api_key == one.api_key  # the same for the whole run
        assert one.api_key not in REDACTOR.redact(f"connecting with {one.api_key}")
        assert asyncio.run(list_models(first.sim, one.api_key)) > 0
        with pytest.raises(errors.ClientError):
            asyncio.run(list_models(first.sim, "demo-key"))
    finally:
        first.stop()
        second.stop()


def test_quitting_does_not_wait_for_a_demo_client_that_never_closes() -> None:
    endpoints = demo_endpoints()
    endpoint = endpoints.demo()
    sim = endpoints.sim
    assert sim is not None and endpoint.base_url is not None
    with stuck_client(endpoint.base_url, sim.ca_file, endpoint.api_key):
        sim.wait_until(lambda: sim.server.connections)
        endpoints.stop()
        assert sim.server.connections, "quitting waited for the demo server's client"
        sim.wait_until(lambda: not sim.running, timeout=15)
