"""Tools in the real app: an "ask" tool's approval card answered with Enter and with Esc,
the calls' rows in the transcript, and an answer's Google Search sources as links."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from gemini_desk.core.grounding import sources_of
from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim.records import SimToolCall
from gemini_desk.ui.approval_card import ARM_DELAY_S
from tests.e2e.conftest import PULSE_DEVICES, RunningApp, assert_clean_log, sim_env
from tests.e2e.test_app_e2e import read_turns_or_empty
from tests.support.xvfb import XDisplay

pytestmark = pytest.mark.e2e

KEY = "e2e-tools-key"
ROOT = Path(__file__).resolve().parents[2]
CLIPBOARD_TEXT = "Copied in another app: invoice 4711, due Friday"
# The approval card's background (gemini_desk.ui.approval_card._style, light and dark):
# nothing else in the window has it.
CARD_COLOURS = ((0xEE, 0xF4, 0xFF), (0x1B, 0x29, 0x40))
CARD_MIN_PIXELS = 20_000  # the card is some 600 x 120 px; its labels sit on its background
# Qt's default Link colour: Xvfb has no desktop theme, so the palette is the light one
# (the transcript sets no link colour of its own). Nothing else on the screen is #0000ff.
LINK_COLOURS = ((0x00, 0x00, 0xFF),)


@pytest.fixture
def clipboard_owner(xvfb: XDisplay) -> Iterator[subprocess.Popen[str]]:
    """Another X client holding CLIPBOARD_TEXT on the clipboard (see its module)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.clipboard_owner", CLIPBOARD_TEXT],
        env={**os.environ, **xvfb.env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", "the clipboard owner did not start"
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()


def pixels_of(png: Path, colours: tuple[tuple[int, int, int], ...]) -> int:
    """How many pixels of the screenshot ``png`` have exactly one of ``colours``."""
    with Image.open(png) as shot:
        rgb = np.asarray(shot.convert("RGB")).astype(np.int32)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    wanted = [(r << 16) | (g << 8) | b for r, g, b in colours]
    return int(np.isin(packed, wanted).sum())


def wait_for_card(app: RunningApp, shot: Path) -> float:
    """Screenshots until one shows the approval card; returns when that one was taken
    (``time.monotonic()`` once the screen was grabbed: the card was on show by then)."""
    seen = 0.0

    def card_on_screen() -> bool:
        nonlocal seen
        app.display.screenshot(shot)
        seen = time.monotonic()
        return pixels_of(shot, CARD_COLOURS) >= CARD_MIN_PIXELS

    app.wait_for(card_on_screen, 60, "the approval card on the screen", poll=0.2)
    return seen


def answer_card(app: RunningApp, shown_by: float, key: str) -> None:
    """Press ``key`` in the window once the card has been on show longer than its arm
    delay (keys before that are ignored by design)."""
    # The app's clock is the same monotonic clock; the key is handled after it is sent.
    armed = shown_by + ARM_DELAY_S + 0.1
    app.wait_for(lambda: time.monotonic() > armed, ARM_DELAY_S + 5, "the card to arm")
    app.keys("^Gemini Desk$", key)


def type_turn(app: RunningApp, text: str) -> None:
    app.keys("^Gemini Desk$")  # focus the window: its text box has the keyboard
    app.display.xdotool("type", "--delay", "20", text)
    app.display.xdotool("key", "Return")


def the_call(sim: SimThread, name: str, count: int) -> SimToolCall | None:
    """The ``count``-th call of ``name`` the sim issued (1-based), once it has."""
    calls = [c for c in sim.tool_calls() if c.name == name]
    return calls[count - 1] if len(calls) >= count else None


def answered(sim: SimThread, call_id: str) -> dict[str, Any] | None:
    """The FunctionResponse that answered ``call_id``, once one has."""
    call = next((c for c in sim.tool_calls() if c.id == call_id), None)
    if call is None or call.state != "answered" or not call.responses:
        return None
    return call.responses[-1]


def tool_row(app: RunningApp, call_id: str) -> dict[str, Any] | None:
    """The saved transcript's row of ``call_id`` (its ``tool`` record), once saved."""
    for turn in read_turns_or_empty(app):
        tool = turn.get("tool")
        if turn.get("role") == "tool" and isinstance(tool, dict) and tool["call_id"] == call_id:
            return tool
    return None


def idle(sim: SimThread) -> bool:
    """The sim has finished every answer it started (no turn still being spoken)."""
    session = sim.server.sessions[0]
    return bool(session.turns) and all(t.completed or t.interrupted for t in session.turns)


def results_spoken(sim: SimThread, count: int) -> bool:
    """The sim has spoken ``count`` tool results ("the tool said: …") to the end, and
    says nothing more."""
    session = sim.server.sessions[0]
    said = [t for t in session.answered if t.source == "tool_response"]
    return len(said) >= count and idle(sim)


@pytest.mark.parametrize("sim", [SimConfig(api_key=KEY)], indirect=True)
def test_approval_card_tool_rows_and_search_sources(
    sim: SimThread,
    launch_app,  # type: ignore[no-untyped-def]
    clipboard_owner: subprocess.Popen[str],
    artifacts: Path,
) -> None:
    app: RunningApp = launch_app(
        "--base-url", sim.base_url, "--connect", *PULSE_DEVICES, env=sim_env(sim, KEY)
    )
    app.wait_for(lambda: bool(sim.server.sessions), 40, "the app to connect")
    session = sim.server.sessions[0]
    app.wait_for(lambda: session.setup is not None, 20, "the setup")
    app.wait_for(app.streams_open, 20, "the app's audio streams")
    # The whole screen, so that the last screenshot shows every row and the sources.
    app.display.xdotool("windowsize", "--sync", app.windows("^Gemini Desk$")[-1], "100%", "100%")
    declared = {d["name"] for d in session.declarations}
    assert {"read_clipboard", "write_clipboard", "get_current_time"} <= declared
    assert session.google_search, "Google Search is declared by default"

    # 1. An "ask" tool: the card shows, Enter allows it once, the tool runs.
    type_turn(app, "call read_clipboard")
    app.wait_for(lambda: the_call(sim, "read_clipboard", 1), 30, "the read_clipboard call")
    call = the_call(sim, "read_clipboard", 1)
    assert call is not None and call.outstanding, "the call waits for the user"
    shown_by = wait_for_card(app, artifacts / "e2e-tools-1-card-read-clipboard.png")
    assert call.outstanding, "nothing answers an ask-tool before the user does"
    answer_card(app, shown_by, "Return")
    app.wait_for(lambda: answered(sim, call.id), 30, "the toolResponse")
    response = answered(sim, call.id)
    assert response is not None
    body = response["response"]
    assert body["status"] == "ok" and body["retryable"] is False and body["message"]
    assert body["result"] == {"text": CLIPBOARD_TEXT}, "the other app's clipboard text"
    app.wait_for(lambda: tool_row(app, call.id), 20, "the read_clipboard row saved")
    row = tool_row(app, call.id)
    assert row is not None
    assert (row["name"], row["state"], row["status"]) == ("read_clipboard", "done", "ok")
    assert isinstance(row["duration_s"], float) and row["duration_s"] >= 0
    assert row["summary"], "the row sums the result up"
    app.wait_for(lambda: results_spoken(sim, 1), 30, "the model to say what the tool said")
    said = [t.output_text for t in session.answered if t.source == "tool_response"]
    assert said == [f"Local demo server: the tool said: {body['message']}"]
    after_allow = app.display.screenshot(artifacts / "e2e-tools-2-allowed-row-done.png")
    assert pixels_of(after_allow, CARD_COLOURS) < 100, "the card is gone once answered"

    # 2. Esc denies: the model hears a clear denial and the clipboard is left alone.
    type_turn(app, "call write_clipboard")
    app.wait_for(lambda: the_call(sim, "write_clipboard", 1), 30, "the write_clipboard call")
    denied_call = the_call(sim, "write_clipboard", 1)
    assert denied_call is not None
    shown_by = wait_for_card(app, artifacts / "e2e-tools-3-card-write-clipboard.png")
    answer_card(app, shown_by, "Escape")
    app.wait_for(lambda: answered(sim, denied_call.id), 30, "the denial")
    response = answered(sim, denied_call.id)
    assert response is not None
    body = response["response"]
    assert body["status"] == "denied" and body["retryable"] is False
    assert "declined" in body["message"] and "write_clipboard" in body["message"]
    app.wait_for(lambda: tool_row(app, denied_call.id), 20, "the write_clipboard row saved")
    row = tool_row(app, denied_call.id)
    assert row is not None
    assert (row["state"], row["reason"], row["args"]) == ("denied", "user", {"text": "example"})
    app.wait_for(lambda: results_spoken(sim, 2), 30, "the model to answer the denial")

    # 3. A search-like question: the answer is grounded, its sources saved and shown.
    type_turn(app, "search the latest news")

    def grounded_answer() -> dict[str, Any] | None:
        turns = read_turns_or_empty(app)
        return next((t for t in turns if t["role"] == "model" and t.get("grounding")), None)

    app.wait_for(grounded_answer, 30, "the grounded answer saved")
    answer = grounded_answer()
    assert answer is not None and "no web search happens here" in str(answer["text"])
    sources = sources_of(answer["grounding"])
    assert sources == [
        (f"Local demo source {i}", f"https://example.org/search-result-{i}") for i in (1, 2, 3)
    ]
    app.wait_for(lambda: idle(sim), 30, "the answer to end")
    final = app.display.screenshot(artifacts / "e2e-tools-4-rows-and-sources.png")
    assert pixels_of(final, CARD_COLOURS) < 100, "the card is gone once answered"
    assert pixels_of(final, LINK_COLOURS) > 100, "the sources are drawn as links"

    assert app.quit_with_keyboard() == 0
    assert_clean_log(app)
    clipboard_owner.terminate()
    out, _ = clipboard_owner.communicate(timeout=10)
    assert "lost" not in out, "a denied write_clipboard must not touch the clipboard"
    saved = json.loads((app.home / "config" / "settings.json").read_text())
    assert not saved.get("tool_policies"), "Allow once and Deny remember nothing"
