"""History in the running app: a word said in an earlier run is found by the search
across all conversations, and "Continue this conversation" goes on in that file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.e2e.conftest import PULSE_DEVICES, assert_clean_log
from tests.support.sim_fixtures import espeak_pcm16k


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_history_search_finds_a_word_from_an_earlier_conversation(
    launch_app,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    first = launch_app("--demo", "--connect")
    first.wait_for(first.streams_open, 40, "the demo session")
    first.keys("Gemini Desk")
    first.display.xdotool("type", "--delay", "20", "how do I grow zucchini")
    first.display.xdotool("key", "Return")
    first.wait_for(
        lambda: bool(first.conversations()) and len(_lines(first.conversations()[0])) >= 2,
        30,
        "the typed turn and its answer on disk",
    )
    assert first.quit_with_keyboard() == 0
    (earlier,) = first.conversations()

    # A newer conversation that does not mention it: without the search it would be
    # the one chosen (History lists the newest first).
    newer = earlier.parent / "29990101-000000.jsonl"
    turn = {"role": "user", "text": "what is the weather like", "started_at": 32503680000.0}
    fd = os.open(newer, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, (json.dumps(turn) + "\n").encode())
    os.close(fd)

    app = launch_app("--demo", *PULSE_DEVICES, home=first.home)
    app.wait_for(app.started, 40, "start-up")
    app.keys("Gemini Desk", "ctrl+h")
    app.wait_for(lambda: bool(app.windows("Conversation history")), 10, "the History dialog")
    app.keys("Conversation history")  # typed into the dialog, not before it has the focus
    app.display.xdotool("type", "--delay", "20", "zucchini")
    app.keys("Conversation history", "Return")  # search now, and go to the results
    app.wait_for(
        lambda: "history search: 1 conversations match" in app.log_text(), 10, "the search"
    )
    app.display.screenshot(artifacts / "e2e-history-search.png")
    app.keys("Conversation history", "alt+n")  # Continue this conversation
    app.wait_for(lambda: not app.windows("Conversation history"), 10, "the dialog to close")
    app.wait_for(
        lambda: "continuing a stored conversation (2 turns)" in app.log_text(), 10, "continue"
    )
    app.keys("Gemini Desk", "ctrl+Return")
    app.wait_for(app.streams_open, 40, "the demo session")
    app.pulse.play_into_mic(espeak_pcm16k("and what about tomatoes"), 16000)
    app.wait_for(lambda: len(_lines(earlier)) >= 4, 30, "the new turns in the earlier file")
    app.display.screenshot(artifacts / "e2e-history-continued.png")
    assert app.quit_with_keyboard() == 0
    assert_clean_log(app)
    assert sorted(p.name for p in app.conversations()) == sorted([earlier.name, newer.name])
    turns = _lines(earlier)
    assert turns[0]["text"] == "how do I grow zucchini"
    assert [t["role"] for t in turns[2:4]] == ["user", "model"] and not turns[2].get("typed")
    assert len(_lines(newer)) == 1
    index = app.home / "data" / "history.sqlite3"
    assert index.exists() and index.stat().st_mode & 0o077 == 0
