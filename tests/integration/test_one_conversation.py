"""One conversation in History for what the window shows as one: a talk-mode switch or a
reconnect (disconnect, then connect) keeps appending to the same file, and "continue
this conversation" appends to an earlier one and shows its turns."""

from __future__ import annotations

import json
from pathlib import Path

from gemini_desk.core.events import SessionState
from gemini_desk.sim import SimThread
from tests.integration.test_conversation import Rig, run
from tests.support.sim_fixtures import sim

__all__ = ["sim"]


def _files(rig: Rig) -> list[Path]:
    return sorted(rig.dir.glob("*.jsonl"))


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text().splitlines()]


async def _typed_turn(rig: Rig, text: str, saved: int) -> None:
    """Connect, type ``text``, wait until ``saved`` turns are on disk in all, disconnect
    (as the talk-mode switch does before it connects again)."""
    rig.conv.connect()
    await rig.until(lambda: rig.conv.state is SessionState.CONNECTED)
    rig.conv.send_text(text)
    await rig.until(lambda: sum(len(p.read_text().splitlines()) for p in _files(rig)) >= saved)
    await rig.conv.disconnect()


def test_reconnecting_keeps_one_conversation_file(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        await _typed_turn(rig, "first words", 2)
        await _typed_turn(rig, "after the switch", 4)  # the window still shows one
        await rig.conv.shutdown()

    run(main())
    files = _files(rig)
    assert len(files) == 1, f"one conversation expected, History has {len(files)}"
    texts = _texts(files[0])
    assert texts[0] == "first words" and texts[2] == "after the switch"


def test_continue_appends_to_the_earlier_file_and_shows_its_turns(
    sim: SimThread, tmp_path: Path
) -> None:
    earlier = Rig(sim, tmp_path)
    run(_typed_turn(earlier, "about zucchini", 2))
    run(earlier.conv.shutdown())
    (path,) = _files(earlier)

    rig = Rig(sim, tmp_path)  # a later run of the app, same folder
    rig.conv.continue_conversation(path)
    shown = list(rig.view.turns.values())
    assert shown[0] == "about zucchini", "its turns are shown"
    assert len(shown) == 2

    async def main() -> None:
        await _typed_turn(rig, "and more", 4)
        await rig.conv.shutdown()

    run(main())
    assert _files(rig) == [path], "no new file: it goes on in the earlier one"
    texts = _texts(path)
    assert texts[0] == "about zucchini" and texts[2] == "and more"
    shown = list(rig.view.turns.values())
    assert shown[2] == "and more", "new turns follow the old ones in the window"
