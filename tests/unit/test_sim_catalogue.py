"""Sans-I/O tests of the sim's model catalogue: setup checks and the REST listing."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest

from gemini_desk.sim import catalogue as c
from gemini_desk.sim.rest import handle_rest, page_token

LIVE = [m for m in c.CATALOGUE if m.is_live]
STYLES = ("sdk", "camel", "snake")


def setup_with(field: str, value: Any, style: str = "sdk") -> dict[str, Any]:
    """A setup carrying ``field`` as google-genai 3.6.1 sends it (``sdk``: camelCase
    outside, snake_case inside config objects) or spelled all camel / all snake."""
    camel = style == "camel"
    snake = style == "snake"
    gen_key = "generation_config" if snake else "generationConfig"
    if field in ("thinking_level", "thinking_budget"):
        inner = "thinkingLevel" if field == "thinking_level" else "thinkingBudget"
        key = inner if camel else field
        return {gen_key: {"thinking_config" if snake else "thinkingConfig": {key: value}}}
    if field == "proactive_audio":
        return {"proactivity": {"proactiveAudio" if camel else "proactive_audio": value}}
    if field == "enable_affective_dialog":
        return {gen_key: {"enable_affective_dialog" if snake else "enableAffectiveDialog": value}}
    if field == "behavior":
        decls = "function_declarations" if snake else "functionDeclarations"
        return {"tools": [{decls: [{"name": "f"}, {"name": "g", "behavior": value}]}]}
    raise AssertionError(field)


def check(model: str, raw: dict[str, Any], version: str = "v1beta") -> tuple[int, str] | None:
    return c.check_setup(model, version, {"model": f"models/{model}", **raw})


# The facts, written out literally: (model, field, value, refused?)
FACTS: list[tuple[str, str, Any, bool]] = [
    ("gemini-3.8-live", "thinking_level", "LOW", True),
    ("gemini-3.8-live", "thinking_level", "HIGH", True),
    ("gemini-3.8-live", "proactive_audio", False, True),
    ("gemini-3.8-live", "proactive_audio", True, False),
    ("gemini-3.8-live", "enable_affective_dialog", True, True),
    ("gemini-3.8-live", "enable_affective_dialog", False, True),
    ("gemini-3.8-live", "behavior", "NON_BLOCKING", False),
    ("gemini-3.8-live", "behavior", "BLOCKING", False),
    ("gemini-3.8-live-extended-thinking", "thinking_level", "LOW", False),
    ("gemini-3.8-live-extended-thinking", "thinking_level", "MEDIUM", False),
    ("gemini-3.8-live-extended-thinking", "thinking_level", "high", False),
    ("gemini-3.8-live-extended-thinking", "thinking_level", "MINIMAL", True),
    ("gemini-3.8-live-extended-thinking", "proactive_audio", False, True),
    ("gemini-3.8-live-extended-thinking", "enable_affective_dialog", True, True),
    ("gemini-3.8-live-extended-thinking", "behavior", "NON_BLOCKING", False),
    ("gemini-3.1-flash-live-preview", "behavior", "NON_BLOCKING", True),
    ("gemini-3.1-flash-live-preview", "behavior", "BLOCKING", False),
    ("gemini-3.1-flash-live-preview", "proactive_audio", True, True),
    ("gemini-3.1-flash-live-preview", "proactive_audio", False, False),
    ("gemini-3.1-flash-live-preview", "thinking_level", "MINIMAL", False),
    ("gemini-3.1-flash-live-preview", "thinking_level", "HIGH", False),
    ("gemini-3.1-flash-live-preview", "enable_affective_dialog", True, True),
    ("gemini-2.5-flash-native-audio-preview-12-2025", "thinking_budget", 1024, False),
    ("gemini-2.5-flash-native-audio-preview-12-2025", "thinking_level", "LOW", True),
    ("gemini-2.5-flash-native-audio-preview-12-2025", "proactive_audio", True, False),
    ("gemini-2.5-flash-native-audio-preview-12-2025", "proactive_audio", False, False),
    ("gemini-2.5-flash-native-audio-preview-12-2025", "enable_affective_dialog", True, False),
    ("gemini-2.5-flash-native-audio-preview-12-2025", "behavior", "NON_BLOCKING", False),
    ("gemini-2.5-flash-native-audio-latest", "thinking_budget", 0, False),
    ("gemini-2.5-flash-native-audio-latest", "thinking_level", "HIGH", True),
    ("gemini-2.5-flash-native-audio-latest", "enable_affective_dialog", True, False),
]


def test_facts_cover_every_live_model_of_the_catalogue() -> None:
    assert {m for m, *_ in FACTS} == set(c.LIVE_MODEL_IDS)
    assert c.RECOMMENDED_MODEL == "gemini-3.8-live"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("model", "field", "value", "refused"), FACTS)
def test_setup_facts(model: str, field: str, value: Any, refused: bool, style: str) -> None:
    result = check(model, setup_with(field, value, style))
    if not refused:
        assert result is None
        return
    assert result is not None
    code, reason = result
    assert code == 1007
    assert field in reason and f"models/{model}" in reason
    assert len(reason.encode()) <= 123


def _probes() -> list[tuple[str, Any]]:
    return [
        *(("thinking_level", level) for level in c.THINKING_LEVELS),
        ("thinking_budget", 512),
        ("proactive_audio", True),
        ("proactive_audio", False),
        ("enable_affective_dialog", True),
        ("enable_affective_dialog", False),
        ("behavior", "NON_BLOCKING"),
        ("behavior", "BLOCKING"),
    ]


def _allowed(spec: c.ModelSpec, field: str, value: Any) -> bool:
    return {
        "thinking_level": lambda: value in spec.thinking_levels,
        "thinking_budget": lambda: spec.thinking_budget,
        # true needs proactive audio (always or optional); false needs it to be optional
        "proactive_audio": lambda: (
            spec.proactive_audio in (("always", "optional") if value else ("none", "optional"))
        ),
        "enable_affective_dialog": lambda: spec.affective_dialog,
        "behavior": lambda: value in spec.behaviors,
    }[field]()


@pytest.mark.parametrize("spec", LIVE, ids=lambda s: s.id)
@pytest.mark.parametrize(("field", "value"), _probes())
def test_every_model_and_field_follows_its_table_row(
    spec: c.ModelSpec, field: str, value: Any
) -> None:
    version = spec.api_versions[0]
    result = check(spec.id, setup_with(field, value), version)
    if _allowed(spec, field, value):
        assert result is None
    else:
        assert result is not None and result[0] == 1007 and field in result[1]


def test_plain_setup_is_accepted_for_every_live_model_where_served() -> None:
    for spec in LIVE:
        for version in spec.api_versions:
            assert check(spec.id, {}, version) is None


@pytest.mark.parametrize("version", c.API_VERSIONS)
@pytest.mark.parametrize(
    "model",
    [
        *c.RETIRED_MODEL_IDS,
        "gemini-nonexistent",
        "gemini-3.8-flash",  # listed, but not a Live model
        "gemini-embedding-001",
    ],
)
def test_dead_unknown_and_non_live_models_are_not_found(model: str, version: str) -> None:
    result = check(model, {}, version)
    assert result is not None
    code, reason = result
    assert code == 1008
    assert reason.startswith(f"models/{model} is not found for API version {version}")
    assert len(reason.encode()) <= 123


@pytest.mark.parametrize(
    ("version", "found"), [("v1", False), ("v1alpha", False), ("v1beta", True)]
)
def test_latest_alias_is_served_on_v1beta_only(version: str, found: bool) -> None:
    result = check("gemini-2.5-flash-native-audio-latest", {}, version)
    if found:
        assert result is None
    else:
        assert result is not None and result[0] == 1008
        assert f"is not found for API version {version}" in result[1]


def test_live_ids_narrow_what_is_served() -> None:
    raw = {"model": "models/gemini-3.8-live"}
    assert c.check_setup("gemini-3.8-live", "v1", raw, live_ids=("gemini-3.8-live",)) is None
    refused = c.check_setup("gemini-3.1-flash-live-preview", "v1", raw, ("gemini-3.8-live",))
    assert refused is not None and refused[0] == 1008


def test_function_behaviors_default_per_model() -> None:
    raw = setup_with("behavior", "BLOCKING")
    live38 = c.find_model("gemini-3.8-live")
    preview = c.find_model("gemini-3.1-flash-live-preview")
    assert live38 is not None and preview is not None
    assert c.function_behaviors(live38, raw) == {"f": "NON_BLOCKING", "g": "BLOCKING"}
    assert c.function_behaviors(preview, raw) == {"f": "BLOCKING", "g": "BLOCKING"}


# ---- REST ---------------------------------------------------------------------------------


def rest(target: str, key: str = "ok") -> Any:
    return handle_rest(target, key, c.API_VERSIONS, c.LIVE_MODEL_IDS)  # type: ignore[arg-type]


def test_listing_pages_through_everything_served() -> None:
    names: list[str] = []
    token = ""
    pages = 0
    while True:
        reply = rest(f"/v1beta/models?pageSize=2{'&pageToken=' + token if token else ''}")
        assert reply.status == HTTPStatus.OK
        names += [m["name"] for m in reply.body["models"]]
        pages += 1
        token = reply.body.get("nextPageToken", "")
        if not token:
            break
    assert pages == 4  # 7 models, 2 a page
    assert names == [f"models/{m.id}" for m in c.CATALOGUE]


def test_listing_entries_are_camel_case_and_default_page_holds_all() -> None:
    reply = rest("/v1/models")
    assert "nextPageToken" not in reply.body
    by_name = {m["name"]: m for m in reply.body["models"]}
    assert "models/gemini-2.5-flash-native-audio-latest" not in by_name  # v1beta only
    live = by_name["models/gemini-3.8-live"]
    assert live["displayName"] == "Gemini 3.8 Live"
    assert live["supportedGenerationMethods"] == ["bidiGenerateContent"]
    assert live["inputTokenLimit"] == 131072 and live["outputTokenLimit"] == 65536
    assert by_name["models/gemini-3.8-live-extended-thinking"]["thinking"] is True
    flash = by_name["models/gemini-3.8-flash"]
    assert "bidiGenerateContent" not in flash["supportedGenerationMethods"]
    assert "generateContent" in flash["supportedGenerationMethods"]


def test_rest_errors_are_google_style() -> None:
    bad = rest("/v1beta/models", key="bad")
    assert bad.status == HTTPStatus.BAD_REQUEST
    assert bad.body["error"]["code"] == 400
    assert bad.body["error"]["message"] == "API key not valid. Please pass a valid API key."
    assert bad.body["error"]["status"] == "INVALID_ARGUMENT"
    assert rest("/v1/models", key="missing").body["error"]["status"] == "PERMISSION_DENIED"
    missing = rest("/v1/models/gemini-2.0-flash-live-001")
    assert missing.status == HTTPStatus.NOT_FOUND
    assert missing.body["error"]["status"] == "NOT_FOUND"
    assert rest("/v1/models/gemini-2.5-flash-native-audio-latest").status == 404
    assert rest("/v1beta/models/gemini-2.5-flash-native-audio-latest").status == 200
    assert rest("/v1beta/models?pageToken=garbage").status == HTTPStatus.BAD_REQUEST
    assert rest("/v1beta/models?pageSize=x").status == HTTPStatus.BAD_REQUEST
    assert rest(f"/v1beta/models?pageToken={page_token(99)}").body == {"models": []}
    assert rest("/v9/models") is None
    assert rest("/ws/google.ai.generativelanguage.v1beta.GenerativeService.X") is None
