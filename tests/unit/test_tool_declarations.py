"""Declarations per model, from the capability table: behaviour, Google Search, order."""

from __future__ import annotations

import pytest

from gemini_desk.core.models import FALLBACK_MODELS, capabilities
from gemini_desk.core.tools import Declarations, FunctionDecl, ToolPolicy, ToolSpec
from gemini_desk.tools.declarations import build_declarations, is_non_blocking

PARAMS = {"type": "OBJECT", "properties": {"q": {"type": "STRING"}}, "required": ["q"]}
BACKGROUND = ToolSpec("get_current_time", "The time.", default_policy=ToolPolicy.ALLOW)
NEEDED = ToolSpec("look_at_screen", "A fresh frame.", blocking=True)
SEARCH = ToolSpec("search_docs", "Search.", PARAMS, source="mcp:docs")
SPECS = [BACKGROUND, NEEDED, SEARCH]

# model -> (behaviour of a non-blocking tool, of a blocking one, Google Search declared)
TABLE = {
    "gemini-3.8-live": ("NON_BLOCKING", "BLOCKING", True),
    "gemini-3.8-live-extended-thinking": ("NON_BLOCKING", "BLOCKING", True),
    "gemini-3.1-flash-live-preview": ("", "", True),  # blocking calls only: not sent
    "gemini-2.5-flash-native-audio-preview-12-2025": ("NON_BLOCKING", "BLOCKING", True),
    "gemini-2.5-flash-native-audio-latest": ("NON_BLOCKING", "BLOCKING", True),
    "gemini-3.8-live-001": ("NON_BLOCKING", "BLOCKING", True),  # extends a known id
    "some-future-live-model": ("", "", False),  # unknown: the conservative case
}


def test_every_model_in_the_table_is_checked() -> None:
    assert {m.id for m in FALLBACK_MODELS} <= set(TABLE)


@pytest.mark.parametrize("model", sorted(TABLE))
def test_declarations_follow_the_models_capabilities(model: str) -> None:
    free, needed, search = TABLE[model]
    caps = capabilities(model)
    declared = build_declarations(SPECS, {}, caps, google_search=True)
    assert declared == Declarations(
        functions=(
            FunctionDecl("get_current_time", "The time.", None, free),
            FunctionDecl("look_at_screen", "A fresh frame.", None, needed),
            FunctionDecl("search_docs", "Search.", PARAMS, free),
        ),
        google_search=search,
    )
    assert is_non_blocking(BACKGROUND, caps) is (free == "NON_BLOCKING")
    assert not is_non_blocking(NEEDED, caps)


@pytest.mark.parametrize("model", sorted(TABLE))
def test_google_search_only_when_asked(model: str) -> None:
    declared = build_declarations([], {}, capabilities(model), google_search=False)
    assert declared == Declarations() and not declared


def test_tools_turned_off_are_not_declared() -> None:
    caps = capabilities("gemini-3.8-live")
    declared = build_declarations(
        SPECS, {"look_at_screen": "never", "search_docs": "allow"}, caps, google_search=False
    )
    assert [f.name for f in declared.functions] == ["get_current_time", "search_docs"]
    off = ToolSpec("off_by_default", default_policy=ToolPolicy.NEVER)
    assert build_declarations([off], {}, caps, False).functions == ()
    on = build_declarations([off], {"off_by_default": "ask"}, caps, False)
    assert [f.name for f in on.functions] == ["off_by_default"]


def test_builtins_first_then_mcp_by_server_and_name_and_each_name_once() -> None:
    mcp = [
        ToolSpec("zeta", source="mcp:alpha"),
        ToolSpec("beta", source="mcp:zulu"),
        ToolSpec("alpha", source="mcp:zulu"),
        ToolSpec("get_current_time", source="mcp:alpha"),  # taken by the built-in
        ToolSpec("alpha", source="mcp:zulu2"),  # taken by zulu's
    ]
    declared = build_declarations([*mcp, NEEDED, BACKGROUND], {}, capabilities(""), False)
    assert [f.name for f in declared.functions] == [
        "look_at_screen",
        "get_current_time",
        "zeta",
        "alpha",
        "beta",
    ]
