"""The microphone's voice processing: echo cancellation (and noise suppression, gain
control) against the speaker's output, as the capture pump runs it.

The parts live in audio/echo_canceller.py (``EchoCanceller``, ``EchoOptions``) and
audio/echo_reference.py (``ReferenceReader``, ``speaker_reference``); their names are
importable from here too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from gemini_desk.audio.echo_canceller import APM_RATES, EchoCanceller, EchoOptions, apm_rate_for
from gemini_desk.audio.echo_reference import (
    ReferenceReader,
    ReferenceSource,
    ReferenceSpeaker,
    speaker_reference,
)
from gemini_desk.core.settings import Settings

__all__ = [
    "APM_RATES",
    "EchoCanceller",
    "EchoOptions",
    "MicProcessor",
    "NearEndProcessor",
    "ReferenceReader",
    "apm_rate_for",
    "make_processor",
    "options_from_settings",
    "speaker_reference",
]

log = logging.getLogger("gemini_desk.audio")

_LOG_EVERY = 500  # near-end frames between debug log lines (5 s)


class MicProcessor:
    """The capture pump's hook: cleans microphone audio against the speaker's output.

    ``process(block, capture_time)`` takes float32 mono at ``near_rate`` and returns the
    processed signal at ``rate``. Before each call it drains whatever the speaker emitted
    since the last one from ``reference()``; when the speaker is reopened (new tap, maybe
    another rate), it follows without losing what the adaptive filter learned.
    """

    def __init__(
        self,
        reference: ReferenceSource,
        options: EchoOptions | None = None,
        near_rate: int = 16000,
    ) -> None:
        self._reference = reference
        self.canceller = EchoCanceller(near_rate, near_rate, options)
        self.rate = self.canceller.rate
        self._reader: ReferenceReader | None = None
        self._next_log = 0

    def process(self, block: npt.NDArray[Any], capture_time: float) -> npt.NDArray[np.float32]:
        ref = self._reference() if self.canceller.options.echo_cancellation else None
        if ref is not None:
            tap, latency = ref
            reader = self._reader
            if reader is None or reader.tap is not tap:
                self.canceller.set_far_rate(tap.rate)
                reader = self._reader = ReferenceReader(tap, self.canceller, latency)
            reader.output_latency = latency
            reader.drain()
        out = self.canceller.process_near(block, capture_time)
        ec = self.canceller
        if ec.near_frames >= self._next_log:
            self._next_log = ec.near_frames + _LOG_EVERY
            far_lead = ec.far_head_time - capture_time if ec.far_queued else float("nan")
            log.debug(
                "echo: %.0f us/frame, far queued %d (head %+.0f ms), late %d, dropped %d, "
                "resumes %d, gated %d (onset %d), coupling %+.1f dB",
                ec.cpu_us_per_frame,
                ec.far_queued,
                far_lead * 1000,
                ec.far_late,
                ec.far_dropped,
                ec.resumes,
                ec.gated_frames,
                ec.onset_gated_frames,
                ec.coupling_db,
            )
        return out

    def stats(self) -> dict[str, Any]:
        return self.canceller.stats()

    def reset_timeline(self) -> None:
        """The capture stream (re)starts: audio held from before (a part frame, queued
        reference) goes; what the adaptive filter learned stays."""
        self.canceller.reset_timeline()


class NearEndProcessor(Protocol):
    """What ``MicCapture`` runs its 16 kHz signal through (in the pump, on the loop)."""

    def process(self, block: npt.NDArray[Any], capture_time: float) -> npt.NDArray[np.float32]: ...

    def reset_timeline(self) -> None: ...

    def stats(self) -> dict[str, Any]: ...


def options_from_settings(settings: Settings) -> EchoOptions | None:
    """Echo cancellation unless the user wears headphones; None: no processing at all."""
    options = EchoOptions(
        echo_cancellation=not settings.headphones,
        noise_suppression=settings.noise_suppression,
        auto_gain_control=settings.auto_gain_control,
        high_pass_filter=True,
    )
    if not (options.echo_cancellation or options.noise_suppression or options.auto_gain_control):
        return None
    return options


def make_processor(
    settings: Settings, speaker: Callable[[], ReferenceSpeaker | None]
) -> MicProcessor | None:
    """The microphone's processor for these settings (None: send the signal untouched)."""
    options = options_from_settings(settings)
    if options is None or not options.echo_cancellation:
        log.info("echo cancellation off (the user wears headphones)")
    if options is None:
        return None
    processor = MicProcessor(speaker_reference(speaker), options)
    log.info(
        "%s at %d Hz (noise suppression %s, gain control %s)",
        "echo cancellation on" if options.echo_cancellation else "voice processing",
        processor.rate,
        "on" if options.noise_suppression else "off",
        "on" if options.auto_gain_control else "off",
    )
    return processor
