"""The conversation as a writer of the state models and an observer of the settings,
against the local server (no audio devices)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

from gemini_desk.core.desk_state import SessionStatus, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.transcript import Turn
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import Conversation
from gemini_desk.sim import SimThread
from tests.support.sim_fixtures import sim

__all__ = ["sim"]

NOTICE = message(MessageId.APPLY_NEXT_CONNECT)


class View:
    """Records what the window would show."""

    def __init__(self) -> None:
        self.states: list[tuple[SessionState, Message | None]] = []
        self.errors: list[Message] = []
        self.muted: list[bool] = []

    def set_session_state(self, state: SessionState, detail: Message | None = None) -> None:
        self.states.append((state, detail))

    def show_turn(self, turn: Turn) -> None:
        pass

    def set_latency(self, ms: float | None, server_ms: float | None = None) -> None:
        pass

    def show_error(self, message: Message, action: str | None = None) -> None:
        self.errors.append(message)

    def clear_error(self) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        self.muted.append(muted)

    def set_voice_activity(self, active: bool) -> None:
        pass

    def clear_transcript(self) -> None:
        pass


async def until(predicate: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_state_models_and_settings_observers(sim: SimThread, tmp_path: Path) -> None:
    view = View()
    saved: list[Settings] = []
    settings = SettingsModel(Settings(), save=saved.append)
    conv = Conversation(view, settings, tmp_path / "conversations", None, None)
    conv.endpoint = Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
    statuses: list[SessionState] = []
    talk: list[TalkState] = []
    conv.status.subscribe(lambda _old, new: statuses.append(new.state))
    conv.talk.state.subscribe(lambda _old, new: talk.append(new))

    async def main() -> None:
        settings.update(voice="Kore")  # disconnected: nothing to say
        conv.connect()
        await until(lambda: conv.state is SessionState.CONNECTED)
        assert talk == [TalkState.HANDS_FREE]
        conv.set_muted(True)
        conv.set_muted(True)  # the same again: the view hears it once
        assert conv.muted and view.muted == [True] and talk[-1] is TalkState.MUTED
        conv.set_muted(False)

        settings.update(headphones=True)  # not a session setting: no notice
        assert NOTICE not in view.errors
        settings.update(voice="Puck", talk_mode="push_to_talk")
        assert view.errors.count(NOTICE) == 1
        assert conv.talk.push_to_talk and talk[-1] is TalkState.IDLE, "talk follows at once"

        await conv.disconnect()
        await until(lambda: conv.state is SessionState.DISCONNECTED)
        settings.update(system_instruction="Answer in one word.")
        assert view.errors.count(NOTICE) == 1, "disconnected: it applies anyway"
        conv.connect()  # the next connection has the new settings
        await until(lambda: conv.state is SessionState.CONNECTED)
        await conv.shutdown()

    asyncio.run(asyncio.wait_for(main(), 60))
    assert statuses[0] is SessionState.CONNECTING and statuses[-1] is SessionState.DISCONNECTED
    assert [s for s, _ in view.states] == statuses, "the view follows the status model"
    assert conv.status.value == SessionStatus(SessionState.DISCONNECTED, conv.status.value.detail)
    assert view.muted == [True, False]
    assert talk[-1] is TalkState.OFFLINE
    setup = json.dumps(sim.server.sessions[-1].setup)
    assert "Puck" in setup and "Answer in one word." in setup
    assert "Kore" not in setup
    assert saved[-1].voice == "Puck" and saved[-1].talk_mode == "push_to_talk"
