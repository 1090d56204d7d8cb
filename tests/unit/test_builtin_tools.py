"""The built-in desktop tools, each run against a stand-in desktop: informative results,
arguments checked, nothing raised."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gemini_desk.core.tools import ToolResult
from gemini_desk.tools.builtin import (
    MAX_CLIPBOARD_CHARS,
    BuiltinTool,
    builtin_tools,
    checked_url,
)
from gemini_desk.tools.builtin_time import current_time, local_zone_name

BERLIN_NOON = datetime(2026, 12, 3, 12, 5, 9, tzinfo=ZoneInfo("Europe/Berlin"))
GEMINI_TYPES = {"OBJECT", "STRING", "INTEGER", "NUMBER", "BOOLEAN", "ARRAY"}


class Desktop:
    """Records what the tools asked of the desktop; fails on request."""

    def __init__(self, clipboard: str = "", sharing: bool = True) -> None:
        self.clipboard = clipboard
        self.sharing = sharing
        self.opened: list[str] = []
        self.looks = 0
        self.broken: Exception | None = None

    def _check(self) -> None:
        if self.broken is not None:
            raise self.broken

    def open_url(self, url: str) -> None:
        self._check()
        self.opened.append(url)

    def read_clipboard(self) -> str:
        self._check()
        return self.clipboard

    def write_clipboard(self, text: str) -> None:
        self._check()
        self.clipboard = text

    def look_now(self) -> bool:
        self._check()
        self.looks += 1
        return self.sharing


def tools(desktop: Desktop, notes: Path) -> dict[str, BuiltinTool]:
    return {t.spec.name: t for t in builtin_tools(desktop, notes, clock=lambda: BERLIN_NOON)}


def run(tool: BuiltinTool, args: Mapping[str, Any] | None = None) -> ToolResult:
    result = tool.run(args or {})
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    assert isinstance(result, ToolResult)
    assert result.message.strip() and result.status  # always informative
    return result


async def _await(pending: Any) -> ToolResult:
    result: ToolResult = await pending
    return result


@pytest.fixture
def desktop() -> Desktop:
    return Desktop(clipboard="copied words")


@pytest.fixture
def kit(desktop: Desktop, tmp_path: Path) -> dict[str, BuiltinTool]:
    return tools(desktop, tmp_path / "notes" / "notes.txt")


# --- what the model is told ----------------------------------------------------------------
def test_the_tools_their_order_and_where_they_run(kit: dict[str, BuiltinTool]) -> None:
    assert list(kit) == [
        "get_current_time",
        "open_url",
        "read_clipboard",
        "write_clipboard",
        "look_at_screen",
        "remember_note",
    ]
    on_loop = {name for name, tool in kit.items() if tool.on_loop}
    assert on_loop == {"open_url", "read_clipboard", "write_clipboard", "look_at_screen"}
    for tool in kit.values():
        spec = tool.spec
        assert spec.source == "builtin" and not spec.is_mcp
        assert len(spec.description) > 40 and spec.description.endswith(".")
        assert spec.scheduling == "WHEN_IDLE" and not spec.blocking
        assert 0 < spec.timeout_s <= 15


def test_parameters_are_gemini_schemas(kit: dict[str, BuiltinTool]) -> None:
    with_args = {name: t.spec.parameters for name, t in kit.items() if t.spec.parameters}
    assert set(with_args) == {"open_url", "write_clipboard", "remember_note"}
    for params in with_args.values():
        assert params["type"] == "OBJECT"
        assert set(params["required"]) <= set(params["properties"])
        for prop in params["properties"].values():
            assert prop["type"] in GEMINI_TYPES and prop["description"]
    assert kit["open_url"].spec.parameters == {
        "type": "OBJECT",
        "properties": {
            "url": {
                "type": "STRING",
                "description": "The full address, starting with http:// or https://.",
            }
        },
        "required": ["url"],
    }


# --- the time ------------------------------------------------------------------------------
def test_current_time_gives_date_time_weekday_and_zone(kit: dict[str, BuiltinTool]) -> None:
    result = run(kit["get_current_time"])
    assert result.status == "ok"
    assert result.data == {
        "date": "2026-12-03",
        "time": "12:05:09",
        "weekday": "Thursday",
        "time_zone": "Europe/Berlin",
        "utc_offset": "+01:00",
        "iso": "2026-12-03T12:05:09+01:00",
    }
    assert result.message == (
        "It is 12:05 on Thursday, 3 December 2026, on the user's computer "
        "(time zone Europe/Berlin, UTC+01:00)."
    )


def test_current_time_on_this_machine(desktop: Desktop, tmp_path: Path) -> None:
    tool = {t.spec.name: t for t in builtin_tools(desktop, tmp_path / "n.txt")}
    before = datetime.now().astimezone()
    data = run(tool["get_current_time"]).data
    after = datetime.now().astimezone()
    assert data["date"] in {before.strftime("%Y-%m-%d"), after.strftime("%Y-%m-%d")}
    assert re.fullmatch(r"\d\d:\d\d:\d\d", data["time"])
    assert re.fullmatch(r"[+-]\d\d:\d\d", data["utc_offset"])
    assert data["time_zone"]


def test_a_zone_without_an_iana_name_is_named_by_abbreviation_and_offset() -> None:
    moment = datetime.fromisoformat("2026-07-01T08:30:00-04:00")
    result = current_time(moment)
    assert result.data["time_zone"] == "UTC-04:00" and result.data["utc_offset"] == "-04:00"
    assert result.data["weekday"] == "Wednesday"


def test_the_zone_name_comes_from_tz_else_localtime_else_timezone(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Asia/Tokyo")
    named = tmp_path / "timezone"
    named.write_text("America/Chicago\n")
    nowhere = tmp_path / "missing"
    assert local_zone_name({"TZ": "Europe/Paris"}, link, named) == "Europe/Paris"
    assert local_zone_name({"TZ": ":/usr/share/zoneinfo/Europe/Rome"}, link, named) == (
        "Europe/Rome"
    )
    assert local_zone_name({"TZ": "CET-1CEST"}, link, named) == ""  # a rule, not a zone
    assert local_zone_name({}, link, named) == "Asia/Tokyo"
    assert local_zone_name({}, named, named) == "America/Chicago"  # not a link
    assert local_zone_name({}, nowhere, nowhere) == ""
    named.write_text("Not/AZone")
    assert local_zone_name({}, nowhere, named) == ""


# --- the browser ---------------------------------------------------------------------------
def test_open_url_opens_web_addresses(kit: dict[str, BuiltinTool], desktop: Desktop) -> None:
    result = run(kit["open_url"], {"url": " https://example.org/a?b=c "})
    assert result.status == "ok" and "https://example.org/a?b=c" in result.message
    assert desktop.opened == ["https://example.org/a?b=c"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.org/x",
        "mailto:someone@example.org",
        "https://",
        "http://exa mple.org",
        "https://example.org/\x00",
        "https://" + "a" * 3000 + ".org",
        "",
        None,
        42,
    ],
)
def test_open_url_refuses_anything_but_http_and_https(
    kit: dict[str, BuiltinTool], desktop: Desktop, url: object
) -> None:
    result = run(kit["open_url"], {"url": url})
    assert result.status == "invalid_argument"
    assert desktop.opened == []


def test_an_address_without_scheme_asks_for_the_full_one() -> None:
    result = checked_url("example.org/page")
    assert isinstance(result, ToolResult) and result.retryable
    assert "https://example.org/page" in result.message
    refused = checked_url("file:///etc/passwd")
    assert isinstance(refused, ToolResult) and not refused.retryable
    assert "http:// or https://" in refused.message and "nothing was opened" in refused.message


def test_a_failing_browser_is_reported(kit: dict[str, BuiltinTool], desktop: Desktop) -> None:
    desktop.broken = OSError("no browser is installed")
    result = run(kit["open_url"], {"url": "https://example.org"})
    assert result.status == "error" and "no browser is installed" in result.message


# --- the clipboard -------------------------------------------------------------------------
def test_read_clipboard(kit: dict[str, BuiltinTool], desktop: Desktop) -> None:
    result = run(kit["read_clipboard"])
    assert (result.status, result.data) == ("ok", {"text": "copied words"})
    assert "12 characters" in result.message
    desktop.clipboard = ""
    empty = run(kit["read_clipboard"])
    assert empty.status == "no_results" and "no text" in empty.message and empty.data is None
    desktop.clipboard = "x" * (MAX_CLIPBOARD_CHARS + 5)
    long = run(kit["read_clipboard"])
    assert long.status == "ok" and len(long.data["text"]) == MAX_CLIPBOARD_CHARS
    assert f"first {MAX_CLIPBOARD_CHARS}" in long.message
    desktop.broken = RuntimeError("clipboard owned by another app")
    failed = run(kit["read_clipboard"])
    assert failed.status == "error" and "another app" in failed.message


def test_write_clipboard(kit: dict[str, BuiltinTool], desktop: Desktop) -> None:
    result = run(kit["write_clipboard"], {"text": "paste me"})
    assert result.status == "ok" and desktop.clipboard == "paste me"
    assert "8 characters" in result.message
    for bad in ({}, {"text": ""}, {"text": "   "}, {"text": 3}):
        refused = run(kit["write_clipboard"], bad)
        assert refused.status == "invalid_argument" and "'text'" in refused.message
    assert desktop.clipboard == "paste me"


# --- the screen ----------------------------------------------------------------------------
def test_look_at_screen_sends_one_frame_only_while_sharing(
    kit: dict[str, BuiltinTool], desktop: Desktop
) -> None:
    result = run(kit["look_at_screen"])
    assert result.status == "ok" and "frame" in result.message and desktop.looks == 1
    desktop.sharing = False
    nothing = run(kit["look_at_screen"])
    assert nothing.status == "unavailable" and not nothing.retryable
    assert "Nothing is shared" in nothing.message


def test_look_at_screen_awaits_a_desktop_that_looks_asynchronously(tmp_path: Path) -> None:
    class SlowDesktop(Desktop):
        async def look_now(self) -> bool:  # type: ignore[override]
            await asyncio.sleep(0)
            self.looks += 1
            return True

    desktop = SlowDesktop()
    result = run(tools(desktop, tmp_path / "n.txt")["look_at_screen"])
    assert result.status == "ok" and desktop.looks == 1


# --- notes ---------------------------------------------------------------------------------
def test_remember_note_appends_timestamped_lines(
    kit: dict[str, BuiltinTool], tmp_path: Path
) -> None:
    notes = tmp_path / "notes" / "notes.txt"
    first = run(kit["remember_note"], {"text": "Buy milk"})
    run(kit["remember_note"], {"text": "Call  Anna\nabout the trip"})
    assert first.status == "ok" and str(notes) in first.message
    assert first.data == {"file": str(notes)}
    assert notes.read_text(encoding="utf-8").splitlines() == [
        "2026-12-03 12:05  Buy milk",
        "2026-12-03 12:05  Call Anna about the trip",
    ]
    assert run(kit["remember_note"], {"text": ""}).status == "invalid_argument"
    assert len(notes.read_text(encoding="utf-8").splitlines()) == 2


def test_a_note_that_cannot_be_saved_says_where_and_why(desktop: Desktop, tmp_path: Path) -> None:
    blocked = tmp_path / "notes.txt"
    blocked.mkdir()  # a folder where the file should be
    result = run(tools(desktop, blocked)["remember_note"], {"text": "lost"})
    assert result.status == "error" and str(blocked) in result.message
