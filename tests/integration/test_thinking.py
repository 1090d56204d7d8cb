"""The conversation's "thinking" (an answer awaited) against the local Live server: on
after the user's turn ends (speech, typing), off once the answer's audio arrives."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gemini_desk.core.events import SessionState
from gemini_desk.sim.thread import SimThread
from tests.integration.test_conversation import Rig, run
from tests.support.sim_fixtures import espeak_pcm16k, sim  # noqa: F401


def test_thinking_between_the_turn_and_the_answer(sim: SimThread, tmp_path: Path) -> None:  # noqa: F811
    rig = Rig(sim, tmp_path)
    changes: list[bool] = []
    rig.conv.thinking.thinking.subscribe(lambda _old, new: changes.append(new))

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        assert not rig.conv.thinking.thinking.value
        await rig.speak(espeak_pcm16k("what time is it"))
        # The service heard the speech end; the answer's audio ends the wait.
        await rig.until(lambda: True in changes)
        await rig.until(lambda: bool(rig.speaker.fed) and not rig.conv.thinking.thinking.value)
        await rig.until(lambda: len(rig.saved_turns()) >= 2)
        fed = len(rig.speaker.fed)
        rig.conv.send_text("and the date?")
        assert rig.conv.thinking.thinking.value, "typed: the answer is awaited at once"
        await rig.until(lambda: len(rig.speaker.fed) > fed)
        await rig.until(lambda: not rig.conv.thinking.thinking.value)
        rig.conv.send_text("one more")
        assert rig.conv.thinking.thinking.value
        await rig.conv.shutdown()
        await asyncio.sleep(0)
        assert not rig.conv.thinking.thinking.value, "the connection ended: nothing awaited"

    run(main())
    assert changes[:2] == [True, False]
