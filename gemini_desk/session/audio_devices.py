"""A conversation's microphone and speaker streams: opened, lost, and opened again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.session.ports import (
    ConversationView,
    MicFactory,
    Microphone,
    Speaker,
    SpeakerFactory,
)

__all__ = ["AudioDevices", "reason"]

log = logging.getLogger("gemini_desk.conversation")


class AudioDevices:
    """Opens the streams a conversation needs, closes them, and while ``live()`` retries
    a lost device every ``reopen_interval`` seconds. The microphone opens only while
    ``muted()`` is false.

    A device that fails to open is reported in plain words on ``view`` and the
    conversation goes on without it (typing works). Runs on the event loop's thread.
    """

    reopen_interval = 2.0  # seconds between attempts to reopen a lost audio device

    def __init__(
        self,
        view: ConversationView,
        mic_factory: MicFactory | None,
        speaker_factory: SpeakerFactory | None,
        on_mic_chunk: Callable[[bytes], None],
        live: Callable[[], bool],
        muted: Callable[[], bool],
    ) -> None:
        self._view = view
        self._mic_factory = mic_factory
        self._speaker_factory = speaker_factory
        self._on_mic_chunk = on_mic_chunk
        self._live = live
        self._muted = muted
        self.mic: Microphone | None = None
        self.speaker: Speaker | None = None
        self._reopen_task: asyncio.Task[None] | None = None

    def start(self, quiet: bool = False) -> None:
        """Open the streams not open yet (the microphone's only once unmuted); a
        failure is shown (only logged when ``quiet``: a reopen attempt, whose reason
        is on show already)."""

        def report(what: Message) -> None:
            if quiet:
                log.info("audio reopen attempt: %s", what)
            else:
                self._view.show_error(what)

        if self._speaker_factory is not None and self.speaker is None:
            try:
                speaker = self._speaker_factory()
                speaker.start()
                self.speaker = speaker
            except Exception as exc:
                log.warning("speaker unavailable: %r", exc)
                report(message(M.SPEAKER_UNAVAILABLE, reason(exc)))
        if self._mic_factory is not None and self.mic is None:
            try:
                mic = self._mic_factory(self._on_mic_chunk)
                mic.muted = muted = self._muted()
                if not muted:
                    mic.start()
                self.mic = mic
            except Exception as exc:
                log.warning("microphone unavailable: %r", exc)
                report(message(M.MIC_UNAVAILABLE, reason(exc)))

    def stop(self) -> None:
        """Close both streams; a vanished device does not hold this up."""
        for stream in (self.mic, self.speaker):
            if stream is not None:
                try:
                    stream.stop()
                except Exception as exc:
                    log.warning("stopping audio stream failed: %r", exc)
        self.mic = None
        self.speaker = None

    def set_muted(self, muted: bool) -> None:
        """Muted, the microphone's stream closes (the system's microphone indicator
        goes off); unmuted, the same capture opens again."""
        mic = self.mic
        if mic is None:
            return
        mic.muted = muted
        try:
            mic.stop() if muted else mic.start()
        except Exception as exc:  # a vanished device: tried again like a lost one
            log.warning("microphone unavailable: %r", exc)
            if not muted:
                self.mic = None
                self._view.show_error(message(M.MIC_UNAVAILABLE, reason(exc)))
                self._schedule_reopen()

    def lost(self, what: Message) -> None:
        """A device vanished or its stream failed: stop both streams cleanly, say so, and
        try to reopen them while live (the device may come back, or the user may pick
        another in Settings)."""
        log.warning("audio device lost: %s", what)
        self.stop()
        self._view.show_error(message(M.DEVICE_LOST, what))
        self._schedule_reopen()

    def restart(self) -> None:
        """Reopen the devices (after the user picked others in Settings)."""
        self.stop()
        self.start()

    def _schedule_reopen(self) -> None:
        if self._reopen_task is None or self._reopen_task.done():
            loop = asyncio.get_running_loop()
            self._reopen_task = loop.create_task(self._reopen(), name="audio-reopen")

    async def _reopen(self) -> None:
        while self._live() and (self.mic is None or self.speaker is None):
            await asyncio.sleep(self.reopen_interval)
            if not self._live():
                return
            self.start(quiet=True)
        if self.mic is not None and self.speaker is not None:
            log.info("audio devices reopened")
            self._view.clear_error()


def reason(exc: BaseException) -> Message | str:
    """Why ``exc`` happened: its message (audio devices), else the OS's own words."""
    said = getattr(exc, "message", None)
    if isinstance(said, Message):
        return said
    text = str(exc).strip() or type(exc).__name__
    return text if text.endswith(".") else text + "."
