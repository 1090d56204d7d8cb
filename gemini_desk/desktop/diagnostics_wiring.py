"""Builds Help > Audio diagnostics: its figures from the conversation's streams, and its
device tests on streams of their own, only while not connected.

Why only then: while connected, the microphone is open to Gemini, which would hear the
chime and the playback (the test's audio is not in the echo canceller's reference, so
nothing removes it), and Gemini's voice would mix into the recording. Pausing what goes
to the model would mean taking over mute, which is the user's; ending the conversation
first is one click and leaves nothing to restore.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from gemini_desk.core.diagnosis import Finding, Severity, judge_speaker_test
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.session.audio_check import DeviceCheck

if TYPE_CHECKING:
    from gemini_desk.audio.capture import MicCapture
    from gemini_desk.audio.playback import SpeakerPlayback
    from gemini_desk.core.desk_state import SessionStatus
    from gemini_desk.core.loop_lag import LoopLag
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["build_diagnostics"]

log = logging.getLogger("gemini_desk.desktop")


def _stats(stream: object | None) -> dict[str, Any] | None:
    read = getattr(stream, "stats", None)
    return read() if callable(read) else None


def _named(stats: dict[str, Any] | None, chosen: str, names: dict[str, str]) -> None:
    """Show a sound server's device by the name Settings listed it under: PortAudio
    reaches it through ALSA's "pulse" device and knows no better name."""
    if stats is not None and chosen in names:
        stats["device"] = names[chosen]


def _level(stream: object | None) -> tuple[float, float, bool]:
    meter = getattr(stream, "level", None)
    if meter is None:
        return (-90.0, -90.0, False)
    snap = meter.snapshot()
    return (snap.rms_db, snap.peak_db, snap.clipped)


def build_diagnostics(
    window: MainWindow, conv: Conversation, settings: SettingsModel, loop_lag: LoopLag
) -> DiagnosticsDialog:
    """The dialog, wired; its tests and subscriptions end when it is destroyed."""
    from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog

    loop = asyncio.get_running_loop()

    def make_mic(on_chunk: Callable[[bytes], None]) -> MicCapture:
        from gemini_desk.audio.capture import MicCapture

        return MicCapture(loop, on_chunk, device=settings.current.input_device or None)

    def make_speaker() -> SpeakerPlayback:
        from gemini_desk.audio.playback import SpeakerPlayback

        return SpeakerPlayback(device=settings.current.output_device or None, loop=loop)

    def mic_stats() -> dict[str, Any] | None:
        stats = _stats(conv.mic)
        now = settings.current
        _named(stats, now.input_device, now.device_names)
        if stats is not None:
            stats["muted"] = bool(getattr(conv.mic, "muted", False))
        return stats

    def speaker_stats() -> dict[str, Any] | None:
        stats = _stats(conv.speaker)
        now = settings.current
        _named(stats, now.output_device, now.device_names)
        if stats is not None:
            stats["running"] = bool(getattr(conv.speaker, "running", True))
        return stats

    check = DeviceCheck(make_mic, make_speaker)
    dialog = DiagnosticsDialog(
        mic_stats,
        speaker_stats,
        loop_lag.summary,
        window,
        echo=lambda: _stats(getattr(conv.mic, "processor", None)),
        mic_level=lambda: _level(conv.mic),
        speaker_level=lambda: _level(conv.speaker),
        test_level=check.level,
    )
    _DeviceTests(dialog, check, conv)
    return dialog


class _DeviceTests:
    """Runs the dialog's tests (one at a time) and shows their progress and outcome."""

    def __init__(self, dialog: DiagnosticsDialog, check: DeviceCheck, conv: Conversation) -> None:
        self._dialog = dialog
        self._check = check
        self._task: asyncio.Task[None] | None = None
        check.on_change = self._on_change  # progress goes to the panel
        panel = dialog.tests
        panel.micTestRequested.connect(lambda: self._start(self._mic_test()))
        panel.speakerTestRequested.connect(lambda: self._start(self._speaker_test()))
        panel.chimeAnswered.connect(self._on_chime_answered)
        self._unsubscribe = conv.status.subscribe(self._on_status, now=True)
        dialog.destroyed.connect(self._on_destroyed)

    def _on_status(self, _old: SessionStatus, new: SessionStatus) -> None:
        """Connecting ends a running test (it would be heard) and offers none until the
        conversation ends."""
        free = not (new.live or new.busy)
        if not free and self._task is not None and not self._task.done():
            log.info("device test ended: a conversation starts")
            self._task.cancel()
        self._dialog.tests.set_available(free)

    def _on_change(self) -> None:
        self._dialog.tests.set_phase(self._check.phase, self._check.seconds_left)

    def _start(self, job: Coroutine[Any, Any, None]) -> None:
        if self._task is not None and not self._task.done():
            job.close()
            return
        self._task = asyncio.get_running_loop().create_task(job, name="device-test")

    async def _mic_test(self) -> None:
        result = await self._check.mic_test()
        self._dialog.set_test_result("mic", result.finding)

    async def _speaker_test(self) -> None:
        failed = await self._check.speaker_test()
        if failed is None:
            self._dialog.tests.ask_heard()
            return
        self._dialog.set_test_result("speaker", Finding(Severity.PROBLEM, failed))

    def _on_chime_answered(self, heard: bool) -> None:
        log.info("speaker test: the chime was %s", "heard" if heard else "not heard")
        self._dialog.set_test_result("speaker", judge_speaker_test(heard))

    def _on_destroyed(self) -> None:
        self._unsubscribe()
        if self._task is not None:
            self._task.cancel()  # the streams close in the test's finally
