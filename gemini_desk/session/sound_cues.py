"""Plays a sound cue when talking starts or stops and when the microphone is muted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from gemini_desk.core.cues import cue_for
from gemini_desk.core.desk_state import TalkState
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel

if TYPE_CHECKING:
    from gemini_desk.session.conversation import Conversation

__all__ = ["SoundCues"]

log = logging.getLogger("gemini_desk.audio")


class SoundCues:
    """Follows the conversation's talk state and, while ``settings.sound_cues`` is on,
    has the speaker play the cue each change calls for (``core.cues.cue_for``).

    The talk state changes after the talk controller has acted (activityStart and the
    pre-roll are sent first), so a cue never delays capture. The cue plays through the
    answer's speaker (``SpeakerPlayback.play_cue``), so the echo canceller removes it
    from what the microphone hears. No speaker open (not connected): no cue.
    """

    def __init__(self, conversation: Conversation, settings: SettingsModel) -> None:
        self._conv = conversation
        self._enabled = settings.current.sound_cues
        self.played = 0  # cues handed to the speaker
        self._unsubscribe = [
            settings.subscribe(("sound_cues",), self._on_settings),
            conversation.talk.state.subscribe(self._on_talk_state),
        ]

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    def _on_settings(self, _old: Settings, new: Settings) -> None:
        self._enabled = new.sound_cues

    def _on_talk_state(self, old: TalkState, new: TalkState) -> None:
        cue = cue_for(old, new)
        if cue is None or not self._enabled:
            return
        play = getattr(self._conv.speaker, "play_cue", None)
        if play is None:
            return
        play(cue)
        self.played += 1
        log.debug("sound cue %s", cue.value)
