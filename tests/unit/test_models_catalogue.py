"""The Live model catalogue: the built-in table, the on-disk cache and ModelCatalog."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from gemini_desk.core.model_store import ListedModels, ModelStore
from gemini_desk.core.models import (
    DEFAULT_MODEL,
    FALLBACK_MODELS,
    LANGUAGES,
    LIVE_ACTION,
    THINKING_LEVELS,
    VOICES,
    Capabilities,
    ModelInfo,
    capabilities,
    display_name,
    live_models,
    newest_first,
    normalise_id,
    replacement_for,
)
from gemini_desk.core.settings import Settings
from gemini_desk.live import models as live_models_module
from gemini_desk.live.config import Endpoint
from gemini_desk.live.models import ModelCatalog, endpoint_key

T = TypeVar("T")

FALLBACK_IDS = [m.id for m in FALLBACK_MODELS]
GOOGLE = Endpoint(api_key="k")
LOCAL = Endpoint(api_key="k", base_url="https://localhost:8443")
DEMO = Endpoint(api_key="demo", base_url="https://127.0.0.1:50123", demo=True)


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await coro_fn()

    return asyncio.run(main())


# --- the built-in table --------------------------------------------------------------


def test_fallback_list_is_unique_starts_with_the_default_and_is_newest_first() -> None:
    assert len(set(FALLBACK_IDS)) == len(FALLBACK_IDS)
    assert FALLBACK_IDS[0] == DEFAULT_MODEL
    assert sorted(FALLBACK_IDS, key=newest_first) == FALLBACK_IDS


@pytest.mark.parametrize("info", FALLBACK_MODELS, ids=FALLBACK_IDS)
def test_every_fallback_model_has_a_name_and_sane_capabilities(info: ModelInfo) -> None:
    assert info.id == normalise_id(info.id) and info.id.startswith("gemini-")
    assert info.display_name and info.label == info.display_name
    assert display_name(info.id) == info.display_name
    caps = capabilities(info.id)
    assert set(caps.thinking_levels) <= set(THINKING_LEVELS)
    assert caps.proactive_audio in ("always", "optional", "never")
    # A model whose functions default to NON_BLOCKING must accept NON_BLOCKING at all.
    assert caps.non_blocking_tools or not caps.non_blocking_default


def test_only_the_thinking_models_take_a_thinking_level() -> None:
    thinking = {m for m in FALLBACK_IDS if capabilities(m).thinking_levels}
    assert thinking == {"gemini-3.8-live-extended-thinking", "gemini-3.1-flash-live-preview"}
    assert capabilities(DEFAULT_MODEL).thinking_levels == ()
    assert capabilities(DEFAULT_MODEL).proactive_audio == "always"


@pytest.mark.parametrize(
    ("model", "same_as"),
    [
        ("models/gemini-3.8-live", "gemini-3.8-live"),
        ("  gemini-3.8-live  ", "gemini-3.8-live"),
        ("gemini-3.8-live-001", "gemini-3.8-live"),  # a versioned id of a known model
        ("gemini-3.8-live-extended-thinking-002", "gemini-3.8-live-extended-thinking"),
        ("models/gemini-3.1-flash-live-preview-04-2026", "gemini-3.1-flash-live-preview"),
    ],
)
def test_capabilities_follow_the_longest_known_id(model: str, same_as: str) -> None:
    assert capabilities(model) == capabilities(same_as)
    assert capabilities(model) != Capabilities()


def test_a_versioned_extended_thinking_id_is_not_mistaken_for_the_base_model() -> None:
    caps = capabilities("gemini-3.8-live-extended-thinking-002")
    assert caps.thinking_levels == THINKING_LEVELS
    assert capabilities("gemini-3.8-live-002").thinking_levels == ()


@pytest.mark.parametrize(
    "model",
    [
        "gemini-3.8-liver",  # shares a prefix but is not a suffix of a known id
        "gemini-2.5-flash-native-audio-preview-09-2025",  # retired preview, not in the table
        "gemini-9-live",
        "",
    ],
)
def test_unknown_models_get_the_conservative_default(model: str) -> None:
    caps = capabilities(model)
    assert caps == Capabilities()
    assert caps.thinking_levels == ()
    assert caps.proactive_audio == "never" and caps.affective_dialog is False


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("models/gemini-3.8-live", "gemini-3.8-live"),
        (" models/gemini-3.8-live\n", "gemini-3.8-live"),
        ("gemini-3.8-live", "gemini-3.8-live"),
        ("tunedModels/x", "tunedModels/x"),
        ("", ""),
    ],
)
def test_normalise_id(raw: str, clean: str) -> None:
    assert normalise_id(raw) == clean


def test_display_name_prefers_the_service_then_the_table_then_the_id() -> None:
    listed = [
        ModelInfo("gemini-3.8-live", "Gemini 3.8 Live (GA)"),
        ModelInfo("gemini-3.1-flash-live-preview", ""),
    ]
    assert display_name("models/gemini-3.8-live", listed) == "Gemini 3.8 Live (GA)"
    assert display_name("gemini-3.1-flash-live-preview", listed) == "Gemini 3.1 Flash Live Preview"
    assert display_name("gemini-9-live", listed) == "gemini-9-live"
    assert ModelInfo("x").label == "x"


def test_live_models_keeps_bidi_models_only_normalised_deduplicated_and_newest_first() -> None:
    rows = [
        ("models/gemini-2.5-flash", "Gemini 2.5 Flash", ["generateContent", "countTokens"]),
        ("models/gemini-2.5-flash-native-audio-latest", " Native latest ", [LIVE_ACTION]),
        ("models/gemini-3.1-flash-live-preview", "3.1 preview", ("countTokens", LIVE_ACTION)),
        ("models/gemini-3.8-live", "Gemini 3.8 Live", [LIVE_ACTION, "countTokens"]),
        ("gemini-3.8-live", "duplicate without the prefix", [LIVE_ACTION]),
        ("models/embedding-001", "Embedding", []),
        ("models/gemini-2.5-flash-native-audio-preview-12-2025", "Dec", [LIVE_ACTION]),
    ]
    assert live_models(rows) == [
        ModelInfo("gemini-3.8-live", "Gemini 3.8 Live"),
        ModelInfo("gemini-3.1-flash-live-preview", "3.1 preview"),
        ModelInfo("gemini-2.5-flash-native-audio-preview-12-2025", "Dec"),
        ModelInfo("gemini-2.5-flash-native-audio-latest", "Native latest"),
    ]
    assert live_models([]) == []


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("gemini-3.8-live", "gemini-3.1-flash-live-preview"),
        ("gemini-3.1-flash-live-preview", "gemini-2.5-flash-native-audio-latest"),
        ("gemini-10.0-live", "gemini-9.9-live"),  # numbers, not text
        ("gemini-2.5-flash-live", "gemini-2.0-flash-live-001"),
        ("gemini-2.5-flash-live", "gemini-2.5-flash-live-preview"),  # stable before preview
        (
            "gemini-2.5-flash-native-audio-preview-12-2025",
            "gemini-2.5-flash-native-audio-preview-09-2025",
        ),
        (
            "gemini-2.5-flash-native-audio-preview-01-2026",  # the year counts before the month
            "gemini-2.5-flash-native-audio-preview-12-2025",
        ),
        ("gemini-3.8-live", "gemini-3.8-live-extended-thinking"),  # the base id first
        pytest.param("gemini-3.1-flash-live", "gemini-3-flash-live", id="3.1-newer-than-3"),
    ],
)
def test_newest_first(newer: str, older: str) -> None:
    assert newest_first(newer) < newest_first(older)
    assert sorted([older, newer], key=newest_first) == [newer, older]


def test_replacement_for() -> None:
    listed = [ModelInfo(m) for m in ("gemini-3.1-flash-live-preview", DEFAULT_MODEL)]
    assert replacement_for(DEFAULT_MODEL, listed) is None  # still listed
    assert replacement_for(f" models/{DEFAULT_MODEL}", listed) is None
    assert replacement_for("gemini-2.0-flash-live-001", listed) == DEFAULT_MODEL
    assert replacement_for("gemini-2.0-flash-live-001", []) is None  # nothing listed at all
    no_default = [
        ModelInfo("gemini-2.5-flash-native-audio-latest"),
        ModelInfo("gemini-3.1-flash-live-preview"),
        ModelInfo("gemini-2.5-flash-native-audio-preview-12-2025"),
    ]
    assert replacement_for(DEFAULT_MODEL, no_default) == "gemini-3.1-flash-live-preview"


def test_voices_and_languages_are_unique_and_well_formed() -> None:
    assert len(set(VOICES)) == len(VOICES) and VOICES[0] == "Puck"
    assert all(v.isalpha() and v[0].isupper() for v in VOICES)
    assert len(set(LANGUAGES)) == len(LANGUAGES)
    assert all(re.fullmatch(r"[a-z]{2}-[A-Z]{2}", code) for code in LANGUAGES)
    assert "en-US" in LANGUAGES


@pytest.mark.parametrize("voice", VOICES)
def test_settings_keep_every_voice(voice: str) -> None:
    assert Settings(voice=voice).validated().voice == voice


@pytest.mark.parametrize("language", ["", *LANGUAGES])
def test_settings_keep_every_language(language: str) -> None:
    assert Settings(language_code=language).validated().language_code == language


@pytest.mark.parametrize("level", ["", *THINKING_LEVELS])
def test_settings_keep_every_thinking_level(level: str) -> None:
    assert Settings(thinking_level=level).validated().thinking_level == level


@pytest.mark.parametrize(
    ("field", "bad"),
    [("voice", "Nobody"), ("language_code", "en-XX"), ("thinking_level", "HIGH")],
)
def test_settings_replace_unknown_choices(field: str, bad: str) -> None:
    clean = Settings(**{field: bad}).validated()  # type: ignore[arg-type]
    assert getattr(clean, field) == getattr(Settings(), field)


def test_settings_default_model_is_the_catalogue_default() -> None:
    assert Settings().model == DEFAULT_MODEL
    assert Settings(model="  ").validated().model == DEFAULT_MODEL
    assert Settings(model="models/gemini-3.8-live-001").validated().model == "gemini-3.8-live-001"


# --- the on-disk cache ---------------------------------------------------------------


def listed(*ids: str, at: float = 1_000.0) -> ListedModels:
    return ListedModels(tuple(ModelInfo(i, i.upper()) for i in ids), at)


def test_store_round_trip_per_endpoint(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "models.json"  # parents are created
    store = ModelStore(path)
    assert store.load("google") is None  # no file yet
    store.save("google", listed("gemini-3.8-live", "gemini-3.1-flash-live-preview", at=5.5))
    store.save("demo", listed("demo-live", at=7.0))
    again = ModelStore(path)
    assert again.load("google") == listed(
        "gemini-3.8-live", "gemini-3.1-flash-live-preview", at=5.5
    )
    assert again.load("demo") == listed("demo-live", at=7.0)
    assert again.load("https://elsewhere") is None
    # Written atomically: no temporary file is left next to it.
    assert sorted(p.name for p in path.parent.iterdir()) == ["models.json"]
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["demo"] == {
        "fetched_at": 7.0,
        "models": [{"id": "demo-live", "display_name": "DEMO-LIVE"}],
    }


def test_store_overwrites_one_endpoint_only(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models.json")
    store.save("google", listed("a", at=1.0))
    store.save("demo", listed("b", at=2.0))
    store.save("google", listed("c", at=3.0))
    assert store.load("google") == listed("c", at=3.0)
    assert store.load("demo") == listed("b", at=2.0)


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '"text"', "", "\x00\x01"],
    ids=["broken", "list", "string", "empty", "binary"],
)
def test_store_ignores_an_unreadable_file_and_replaces_it(tmp_path: Path, content: str) -> None:
    path = tmp_path / "models.json"
    path.write_text(content, encoding="utf-8")
    store = ModelStore(path)
    assert store.load("google") is None
    store.save("google", listed("a"))
    assert ModelStore(path).load("google") == listed("a")


@pytest.mark.parametrize(
    "entry",
    [
        "not a dict",
        {"models": [{"id": "a"}]},  # no date
        {"fetched_at": "yesterday", "models": [{"id": "a"}]},
        {"fetched_at": None, "models": [{"id": "a"}]},
        {"fetched_at": 1.0},  # no models
        {"fetched_at": 1.0, "models": []},
        {"fetched_at": 1.0, "models": [{"display_name": "no id"}]},
        {"fetched_at": 1.0, "models": ["a", 3, None]},
        {"fetched_at": 1.0, "models": 5},
    ],
)
def test_store_rejects_malformed_entries(tmp_path: Path, entry: object) -> None:
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"google": entry}), encoding="utf-8")
    assert ModelStore(path).load("google") is None


def test_store_skips_non_dict_models_and_defaults_missing_names(tmp_path: Path) -> None:
    path = tmp_path / "models.json"
    entry = {
        "fetched_at": "12.5",
        "models": ["junk", {"id": "a"}, {"id": "b", "display_name": "B"}],
    }
    path.write_text(json.dumps({"google": entry}), encoding="utf-8")
    assert ModelStore(path).load("google") == ListedModels(
        (ModelInfo("a", ""), ModelInfo("b", "B")), 12.5
    )


# --- ModelCatalog --------------------------------------------------------------------


class FakeLister:
    """An async lister with literal answers; records the endpoints it was asked about."""

    def __init__(self, *answers: list[ModelInfo] | BaseException) -> None:
        self.answers = list(answers)
        self.calls: list[Endpoint] = []
        self.gate: asyncio.Event | None = None
        self.started: asyncio.Event | None = None

    async def __call__(self, endpoint: Endpoint) -> list[ModelInfo]:
        self.calls.append(endpoint)
        if self.started is not None:
            self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


SERVICE = [
    ModelInfo("gemini-3.8-live", "Gemini 3.8 Live"),
    ModelInfo("gemini-3.1-flash-live-preview"),
]


def catalog(tmp_path: Path, lister: FakeLister, now: float = 1_234.0) -> ModelCatalog:
    return ModelCatalog(ModelStore(tmp_path / "models.json"), lister, clock=lambda: now)


@pytest.mark.parametrize(
    ("endpoint", "key"),
    [(GOOGLE, "google"), (LOCAL, "https://localhost:8443"), (DEMO, "demo")],
)
def test_endpoint_key(endpoint: Endpoint, key: str) -> None:
    assert endpoint_key(endpoint) == key


def test_catalog_starts_with_the_fallback_which_never_retires_a_model(tmp_path: Path) -> None:
    cat = catalog(tmp_path, FakeLister())
    assert cat.models == FALLBACK_MODELS
    assert not cat.from_service and cat.fetched_at is None and cat.last_error is None
    assert cat.replacement_for("gemini-2.0-flash-live-001") is None
    cat.use_endpoint(GOOGLE)  # nothing cached
    assert cat.models == FALLBACK_MODELS and not cat.from_service


def test_refresh_lists_caches_and_replaces(tmp_path: Path) -> None:
    lister = FakeLister(list(SERVICE))
    cat = catalog(tmp_path, lister, now=99.0)
    assert run(lambda: cat.refresh(LOCAL)) is True
    assert lister.calls == [LOCAL]
    assert cat.models == tuple(SERVICE)
    assert cat.from_service and cat.fetched_at == 99.0 and cat.last_error is None
    assert cat.replacement_for("gemini-3.8-live") is None
    assert cat.replacement_for("gemini-2.5-flash-native-audio-latest") == DEFAULT_MODEL
    # The list was cached for that endpoint only.
    store = ModelStore(tmp_path / "models.json")
    assert store.load("https://localhost:8443") == ListedModels(tuple(SERVICE), 99.0)
    assert store.load("google") is None


def test_a_new_catalog_shows_the_cached_list_of_its_endpoint(tmp_path: Path) -> None:
    ModelStore(tmp_path / "models.json").save("demo", ListedModels((ModelInfo("demo-live"),), 5.0))
    cat = catalog(tmp_path, FakeLister())
    cat.use_endpoint(DEMO)
    assert cat.models == (ModelInfo("demo-live"),) and cat.from_service and cat.fetched_at == 5.0
    assert cat.replacement_for(DEFAULT_MODEL) == "demo-live"
    cat.use_endpoint(GOOGLE)
    assert cat.models == FALLBACK_MODELS and not cat.from_service


def test_a_failed_listing_keeps_the_cache_and_records_the_error(tmp_path: Path) -> None:
    error = PermissionError("API key not valid")
    lister = FakeLister(list(SERVICE), error, list(SERVICE[:1]))
    cat = catalog(tmp_path, lister)
    assert run(lambda: cat.refresh(GOOGLE)) is True
    assert run(lambda: cat.refresh(GOOGLE)) is False
    assert cat.last_error is error
    assert cat.models == tuple(SERVICE) and cat.from_service
    assert run(lambda: cat.refresh(GOOGLE)) is True
    assert cat.last_error is None and cat.models == tuple(SERVICE[:1])


def test_a_failed_first_listing_keeps_the_fallback(tmp_path: Path) -> None:
    cat = catalog(tmp_path, FakeLister(ConnectionRefusedError(111, "refused")))
    assert run(lambda: cat.refresh(GOOGLE)) is False
    assert isinstance(cat.last_error, ConnectionRefusedError)
    assert cat.models == FALLBACK_MODELS and not cat.from_service
    assert not (tmp_path / "models.json").exists()


def test_an_empty_listing_keeps_the_previous_list(tmp_path: Path) -> None:
    lister = FakeLister(list(SERVICE), [])
    cat = catalog(tmp_path, lister)
    assert run(lambda: cat.refresh(GOOGLE)) is True
    assert run(lambda: cat.refresh(GOOGLE)) is False
    assert cat.models == tuple(SERVICE) and cat.last_error is None
    assert ModelStore(tmp_path / "models.json").load("google") == ListedModels(
        tuple(SERVICE), 1_234.0
    )


def test_a_listing_that_times_out_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_models_module, "LIST_TIMEOUT_S", 0)
    lister = FakeLister(list(SERVICE))
    lister.gate = asyncio.Event()  # never set: the listing never answers
    cat = catalog(tmp_path, lister)
    assert run(lambda: cat.refresh(GOOGLE)) is False
    assert isinstance(cat.last_error, TimeoutError)
    assert cat.models == FALLBACK_MODELS


def test_a_cache_that_cannot_be_written_does_not_fail_the_refresh(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    cat = ModelCatalog(ModelStore(blocker / "models.json"), FakeLister(list(SERVICE)))
    assert run(lambda: cat.refresh(GOOGLE)) is True
    assert cat.models == tuple(SERVICE) and cat.last_error is None


def test_concurrent_refreshes_share_one_listing(tmp_path: Path) -> None:
    lister = FakeLister(list(SERVICE), list(SERVICE[:1]))
    cat = catalog(tmp_path, lister)

    async def scenario() -> tuple[list[bool], int, bool]:
        lister.gate, lister.started = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(cat.refresh(GOOGLE))
        await lister.started.wait()
        second = asyncio.create_task(cat.refresh(GOOGLE))
        waiter = asyncio.create_task(cat.wait_refreshed(timeout=60))
        calls_while_open = len(lister.calls)
        lister.gate.set()
        results = list(await asyncio.gather(first, second))
        await waiter
        again = await cat.refresh(GOOGLE)  # the earlier one is done: a new listing
        return results, calls_while_open, again

    results, calls_while_open, again = run(scenario)
    assert results == [True, True]
    assert calls_while_open == 1
    assert again is True and len(lister.calls) == 2
    assert cat.models == tuple(SERVICE[:1])


def test_a_cancelled_caller_does_not_cancel_the_listing(tmp_path: Path) -> None:
    lister = FakeLister(list(SERVICE))
    cat = catalog(tmp_path, lister)

    async def scenario() -> bool:
        lister.gate, lister.started = asyncio.Event(), asyncio.Event()
        caller = asyncio.create_task(cat.refresh(GOOGLE))
        await lister.started.wait()
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        lister.gate.set()
        await cat.wait_refreshed(timeout=60)
        return cat.from_service

    assert run(scenario) is True
    assert cat.models == tuple(SERVICE)


def test_wait_refreshed_returns_at_once_when_nothing_is_listing(tmp_path: Path) -> None:
    cat = catalog(tmp_path, FakeLister())
    assert run(lambda: cat.wait_refreshed(timeout=60)) is None
