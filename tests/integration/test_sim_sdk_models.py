"""The real google-genai SDK against the sim's model catalogue: listing and setup checks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from google.genai import errors, types

from gemini_desk.sim import SimThread
from gemini_desk.sim import catalogue as c
from tests.support.sim_fixtures import live, live_config, sdk_client, sim

__all__ = ["sim"]  # the fixture, imported for pytest


@pytest.fixture(scope="module")
def shared_sim() -> Iterator[SimThread]:
    """One sim for the many short connections of the setup matrix."""
    with SimThread() as thread:
        yield thread


async def list_all(sim: SimThread, api_version: str, page_size: int) -> list[types.Model]:
    client = sdk_client(sim, api_version=api_version)
    pager = await client.aio.models.list(config={"page_size": page_size})
    return [model async for model in pager]


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_models_list_pages_through_live_and_other_models(sim: SimThread, api_version: str) -> None:
    models = asyncio.run(list_all(sim, api_version, page_size=2))
    served = c.list_models(api_version)
    assert [m.name for m in models] == [f"models/{s.id}" for s in served]
    requests = sim.server.rest_requests
    assert len(requests) == (len(served) + 1) // 2 >= 3
    assert all(r.startswith(f"/{api_version}/models?pageSize=2") for r in requests)
    assert all("pageToken=" in r for r in requests[1:])
    by_name = {m.name: m for m in models}
    live38 = by_name["models/gemini-3.8-live"]
    assert live38.display_name == "Gemini 3.8 Live"
    assert live38.supported_actions == ["bidiGenerateContent"]
    assert (live38.input_token_limit, live38.output_token_limit) == (131072, 65536)
    assert by_name["models/gemini-3.8-live-extended-thinking"].thinking is True
    live_names = {m.name for m in models if "bidiGenerateContent" in (m.supported_actions or [])}
    assert live_names == {f"models/{s.id}" for s in served if s.is_live}
    assert "models/gemini-3.8-flash" in by_name and "models/gemini-embedding-001" in by_name
    alias = "models/gemini-2.5-flash-native-audio-latest"
    assert (alias in by_name) == (api_version == "v1beta")
    for retired in c.RETIRED_MODEL_IDS:
        assert f"models/{retired}" not in by_name


def test_models_list_with_a_bad_key_is_a_400(sim: SimThread) -> None:
    async def main() -> None:
        await sdk_client(sim, api_key="wrong-key").aio.models.list()

    with pytest.raises(errors.ClientError) as info:
        asyncio.run(main())
    assert info.value.code == 400
    assert info.value.status == "INVALID_ARGUMENT"
    assert info.value.message == "API key not valid. Please pass a valid API key."


def test_models_get_one_and_unknown_is_404(sim: SimThread) -> None:
    async def main() -> types.Model:
        client = sdk_client(sim, api_version="v1")
        with pytest.raises(errors.ClientError) as info:
            await client.aio.models.get(model="gemini-2.0-flash-live-001")
        assert info.value.code == 404 and info.value.status == "NOT_FOUND"
        return await client.aio.models.get(model="gemini-3.1-flash-live-preview")

    model = asyncio.run(main())
    assert model.display_name == "Gemini 3.1 Flash Live Preview"
    assert model.supported_actions == ["bidiGenerateContent"]


def test_latest_alias_is_not_found_on_v1(sim: SimThread) -> None:
    model = "gemini-2.5-flash-native-audio-latest"

    async def main() -> None:
        async with live(sim, api_version="v1"):  # the SDK's default version is served
            pass
        async with live(sim, model=model, api_version="v1"):
            pass

    with pytest.raises(errors.APIError) as info:
        asyncio.run(main())
    assert info.value.code == 1008
    assert f"models/{model} is not found for API version v1" in str(info.value)
    sim.wait_until(lambda: all(r.closed for r in sim.server.sessions))
    assert [r.close_code for r in sim.server.sessions] == [1000, 1008]


def _config(field: str, value: Any) -> dict[str, Any]:
    """LiveConnectConfig keywords setting ``field`` the SDK's way."""
    if field == "thinking_level":
        return {"thinking_config": types.ThinkingConfig(thinking_level=value)}
    if field == "thinking_budget":
        return {"thinking_config": types.ThinkingConfig(thinking_budget=value)}
    if field == "proactive_audio":
        return {"proactivity": types.ProactivityConfig(proactive_audio=value)}
    if field == "enable_affective_dialog":
        return {"enable_affective_dialog": value}
    decl = types.FunctionDeclaration(name="f", behavior=value)
    return {"tools": [types.Tool(function_declarations=[decl])]}


def _matrix() -> list[Any]:
    cases = []
    for spec in c.CATALOGUE:
        if not spec.is_live:
            continue
        probes: list[tuple[str, Any, bool]] = [
            *(
                ("thinking_level", lvl, lvl not in spec.thinking_levels)
                for lvl in c.THINKING_LEVELS
            ),
            ("thinking_budget", 1024, not spec.thinking_budget),
            ("proactive_audio", False, spec.proactive_audio == "always"),
            ("proactive_audio", True, spec.proactive_audio == "none"),
            ("enable_affective_dialog", True, not spec.affective_dialog),
            ("behavior", "NON_BLOCKING", "NON_BLOCKING" not in spec.behaviors),
            ("behavior", "BLOCKING", False),
        ]
        for field, value, refused in probes:
            case_id = f"{spec.id}-{field}-{value}-{'refused' if refused else 'ok'}"
            cases.append(pytest.param(spec, field, value, refused, id=case_id))
    return cases


@pytest.mark.parametrize(("spec", "field", "value", "refused"), _matrix())
def test_setup_fields_per_model(
    shared_sim: SimThread, spec: c.ModelSpec, field: str, value: Any, refused: bool
) -> None:
    config = live_config(**_config(field, value))

    async def main() -> None:
        async with live(shared_sim, config, model=spec.id, api_version="v1beta"):
            pass

    if refused:
        with pytest.raises(errors.APIError) as info:
            asyncio.run(main())
        assert info.value.code == 1007
        assert field in str(info.value) and f"models/{spec.id}" in str(info.value)
    else:
        asyncio.run(main())
    record = shared_sim.server.sessions[-1]
    assert record.model == f"models/{spec.id}"
    shared_sim.wait_until(lambda: record.closed)
    assert record.close_code == (1007 if refused else 1000)
