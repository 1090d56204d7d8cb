"""Talk modes for a conversation: push-to-talk with pre-roll, barge-in and a max hold timer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from gemini_desk.core.desk_state import TalkState
from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.observable import Observable
from gemini_desk.core.preroll import PreRoll
from gemini_desk.core.ptt import EndReason, KeySource, PttMode, PttOutput, PushToTalk, Refusal
from gemini_desk.core.settings import Settings

__all__ = ["TALK_FIELDS", "TalkController", "TalkSender"]

log = logging.getLogger("gemini_desk.talk")

PUSH_TO_TALK = "push_to_talk"
# A press that reports it is late (``gemini-desk --ptt press`` needs a moment to start)
# gets this much more pre-roll at most; the buffer always holds it.
MAX_LATE_MS = 1500
# The settings configure() reads.
TALK_FIELDS = ("talk_mode", "ptt_behaviour", "ptt_max_hold_s", "preroll_ms")
# The answer is complete but the speaker still plays it: look again this long after its
# queue should have run dry (the device takes a block or two to go idle).
DRAIN_MARGIN_S = 0.05
_REFUSALS = {
    Refusal.MUTED: message(MessageId.MUTED_CANNOT_TALK),
    Refusal.NOT_CONNECTED: message(MessageId.NOT_CONNECTED_CANNOT_TALK),
}
_NOTICES = {
    EndReason.LISTENER_LOST: message(MessageId.GLOBAL_KEY_FAILED),
    EndReason.FOCUS_LOST: message(MessageId.FOCUS_LOST_TURN_SENT),
}


class TalkSender(Protocol):
    """The parts of LiveSession (or its supervisor) push-to-talk uses."""

    def send_audio(self, pcm16k: bytes) -> None: ...
    def send_activity_start(self) -> None: ...
    def send_activity_end(self) -> None: ...


class TalkController:
    """Decides, per microphone chunk, what is sent, and turns key edges into activities.

    Hands-free: every chunk is sent (the service detects speech). Push-to-talk: chunks
    go to a pre-roll buffer until the key goes down; then activityStart, the pre-roll
    (the first syllable) and live chunks follow until activityEnd. Runs on the loop
    thread; the :class:`~gemini_desk.core.ptt.PushToTalk` machine decides, this class
    does the I/O (sending, clearing the speaker, the max-hold timer).

    :attr:`state` is what talking looks like now (:meth:`display`), kept current after
    every input; the talk bar and the tray observe it.
    """

    def __init__(
        self,
        settings: Settings,
        sender: Callable[[], TalkSender | None],
        speaker: Callable[[], Any],
        notify: Callable[[Message], None],
    ) -> None:
        self._sender = sender
        self._speaker = speaker
        self._notify = notify
        self.ptt = PushToTalk()
        self.preroll = PreRoll()
        self.preroll_ms = 0
        self._late_ms = 0.0
        self.push_to_talk = False
        self.answering = False
        self.activities_started = 0
        self.activities_ended: list[EndReason] = []
        # When the last push-to-talk turn ended: the user's turn ends there, for latency.
        self.last_activity_end: float | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._mic_flowing = False
        self._drain: asyncio.TimerHandle | None = None
        self.state: Observable[TalkState] = Observable(TalkState.OFFLINE)
        self.configure(settings)

    def configure(self, settings: Settings) -> None:
        """Apply talk settings now (a mode change ends any talking first)."""
        ptt, was = settings.talk_mode == PUSH_TO_TALK, self.push_to_talk
        self.push_to_talk = ptt
        if ptt != was:
            self._apply(self.ptt.cancel(EndReason.MODE_CHANGED))
        self._apply(self.ptt.set_mode(PttMode(settings.ptt_behaviour)))
        self.ptt.max_hold_s = float(settings.ptt_max_hold_s)
        self.preroll_ms = settings.preroll_ms
        if self.preroll.capacity_bytes != 32 * (settings.preroll_ms + MAX_LATE_MS):
            self.preroll = PreRoll(settings.preroll_ms + MAX_LATE_MS)
        self._publish()

    # --- display ------------------------------------------------------------------
    def display(self) -> TalkState:
        """How talking works right now (muted wins, then the key held, then the answer)."""
        if not self.ptt.connected:
            return TalkState.OFFLINE
        if self.ptt.muted:
            return TalkState.MUTED
        if self.ptt.talking:
            return TalkState.LISTENING
        speaker = self._speaker()
        if self.answering or bool(getattr(speaker, "is_playing", False)):
            return TalkState.SPEAKING
        return TalkState.IDLE if self.push_to_talk else TalkState.HANDS_FREE

    # --- inputs -------------------------------------------------------------------
    def press(self, source: KeySource, late_s: float = 0.0) -> None:
        """A key went down; ``late_s``: it really went down that long ago (more pre-roll)."""
        if self.push_to_talk:
            self._late_ms = min(MAX_LATE_MS, max(0.0, late_s * 1000))
            try:
                self._apply(self.ptt.press(source, _now()))
            finally:
                self._late_ms = 0.0

    def release(self, source: KeySource) -> None:
        if self.push_to_talk:
            self._apply(self.ptt.release(source, _now()))

    def toggle(self, late_s: float = 0.0) -> None:
        if self.push_to_talk:
            self._late_ms = min(MAX_LATE_MS, max(0.0, late_s * 1000))
            try:
                self._apply(self.ptt.toggle(_now()))
            finally:
                self._late_ms = 0.0

    def listener_lost(self) -> None:
        self._apply(self.ptt.listener_lost())

    def focus_lost(self) -> None:
        self._apply(self.ptt.focus_lost())

    def set_connected(self, connected: bool) -> None:
        if not connected:
            self.answering = False
            self.preroll.clear()
            self._mic_flowing = False
        self._apply(self.ptt.set_connected(connected))

    def set_muted(self, muted: bool) -> None:
        if muted:
            self.preroll.clear()  # muted audio never leaves, not even as a pre-roll
        self._apply(self.ptt.set_muted(muted))

    def model_answering(self, answering: bool) -> None:
        if answering != self.answering:
            self.answering = answering
            self._publish()

    def mic_chunk(self, pcm: bytes) -> bool:
        """True when this chunk goes to the service now; otherwise it is kept as pre-roll."""
        if not self.push_to_talk or self.ptt.talking:
            return True
        if not self._mic_flowing:
            self._mic_flowing = True
            log.info("push-to-talk: microphone audio flowing into the pre-roll")
        self.preroll.push(pcm)
        return False

    # --- outputs ------------------------------------------------------------------
    def _apply(self, out: PttOutput) -> None:
        sender = self._sender()
        if out.start:
            self.activities_started += 1
            speaker = self._speaker()
            if speaker is not None:
                speaker.clear()  # barge-in: silence the answer at once, not at the server's word
            self.answering = False
            chunks = self.preroll.drain(self.preroll_ms + self._late_ms)
            if sender is not None:
                sender.send_activity_start()
                for chunk in chunks:
                    sender.send_audio(chunk)
            self._arm_timer()
            log.info(
                "push-to-talk: activity started with %d ms of pre-roll",
                sum(len(c) for c in chunks) // 32,
            )
        if out.end is not None:
            self.activities_ended.append(out.end)
            self._disarm_timer()
            self.preroll.clear()
            if sender is not None:
                sender.send_activity_end()
            self.last_activity_end = time.monotonic()
            log.info("push-to-talk: activity ended (%s)", out.end.value)
            if out.end is EndReason.MAX_HOLD:
                self._notify(message(MessageId.KEY_HELD_TOO_LONG, round(self.ptt.max_hold_s)))
            elif out.end in _NOTICES:
                self._notify(_NOTICES[out.end])
        if out.refused is not None:
            self._notify(_REFUSALS[out.refused])
        self._publish()

    def _arm_timer(self) -> None:
        self._disarm_timer()
        deadline = self.ptt.deadline
        if deadline is not None:
            self._timer = asyncio.get_running_loop().call_at(deadline, self._on_timer)

    def _disarm_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        self._apply(self.ptt.tick(_now()))

    def _publish(self) -> None:
        """Make :attr:`state` current. While the speaker plays the rest of a complete
        answer, one timer looks again when its queue should have run dry."""
        if self._drain is not None:
            self._drain.cancel()
            self._drain = None
        state = self.display()
        self.state.set(state)
        if state is TalkState.SPEAKING and not self.answering:
            queued = float(getattr(self._speaker(), "queued_seconds", 0.0))
            loop = asyncio.get_running_loop()
            self._drain = loop.call_later(queued + DRAIN_MARGIN_S, self._on_drained)

    def _on_drained(self) -> None:
        self._drain = None
        self._publish()


def _now() -> float:
    """The loop's clock, so the max-hold timer and the machine agree."""
    return asyncio.get_running_loop().time()
