"""Stopping the local Live server is bounded, and can be started without waiting (issue
18, finding 18): a client that never finishes the close handshake holds neither."""

from __future__ import annotations

import logging
import socket
import ssl
from urllib.parse import urlsplit

import pytest

from gemini_desk.sim import SimThread
from gemini_desk.sim.tls import client_ssl_context
from tests.support.stuck_client import stuck_client


def test_stop_soon_returns_while_a_stuck_client_is_still_connected() -> None:
    sim = SimThread().start()
    with stuck_client(sim.base_url, sim.ca_file, "demo-key"):
        sim.wait_until(lambda: sim.server.connections)
        waiter = sim.stop_soon()
        assert sim.server.connections, "the caller was held until the client went away"
        assert waiter is not None
        waiter.join(15)
        assert not waiter.is_alive() and not sim.running
        assert not sim.server.connections


def test_stop_cuts_off_a_client_that_never_finishes_the_close_handshake() -> None:
    sim = SimThread().start()
    with stuck_client(sim.base_url, sim.ca_file, "demo-key") as client:
        sim.wait_until(lambda: sim.server.connections)
        sim.stop(timeout=5.0)  # websockets alone would wait 10 s for the client's close frame
        assert not sim.running
        assert stream_ends(client)


def test_stop_cuts_off_a_client_that_connected_and_never_sent_its_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The app quitting while its first request was still opening left such a client
    (the demo's own): the stop waited out websockets' 10 s opening timeout, so the
    app's process lingered, and websockets logged a traceback when it gave up."""
    caplog.set_level(logging.DEBUG, logger="gemini_desk.sim")
    sim = SimThread().start()
    url = urlsplit(sim.base_url)
    raw = socket.create_connection((url.hostname, url.port), timeout=10)
    with client_ssl_context(sim.ca_file).wrap_socket(raw, server_hostname=url.hostname) as client:
        sim.stop(timeout=5.0)  # websockets alone would wait 10 s for the request
        assert not sim.running
        assert stream_ends(client)
    assert "cutting off 1 client(s)" in caplog.text
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def stream_ends(client: ssl.SSLSocket) -> bool:
    """Read the close frame and whatever else is left; True when the server hung up
    (a TimeoutError if it still holds the connection)."""
    client.settimeout(5.0)
    try:
        while client.recv(4096):
            pass
    except (ssl.SSLEOFError, ConnectionResetError):
        pass
    return True
