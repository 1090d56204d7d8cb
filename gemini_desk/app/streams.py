"""Opens the microphone and speaker the settings name (again when they change), feeds
the window's level meters, and keeps the microphone's voice processing in step."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gemini_desk.core.messages import Message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel

if TYPE_CHECKING:
    from gemini_desk.audio.capture import MicCapture
    from gemini_desk.audio.echo import MicProcessor
    from gemini_desk.audio.playback import SpeakerPlayback
    from gemini_desk.session.conversation import Conversation

__all__ = ["DEVICE_FIELDS", "VOICE_FIELDS", "AudioStreams", "LevelTaps"]

log = logging.getLogger("gemini_desk.app")

# The settings the microphone's processor is made from (echo cancellation and friends).
VOICE_FIELDS = ("headphones", "noise_suppression", "auto_gain_control")
DEVICE_FIELDS = ("input_device", "output_device")


class LevelTaps:
    """Meter sources that read whichever stream is open now (floor when none is)."""

    def __init__(self) -> None:
        self.mic_meter: object | None = None
        self.speaker_meter: object | None = None

    @staticmethod
    def _read(meter: object | None) -> tuple[float, float, bool]:
        if meter is None:
            return (-90.0, -90.0, False)
        return (meter.rms_db, meter.peak_db, meter.clipped)  # type: ignore[attr-defined]

    def mic(self) -> tuple[float, float, bool]:
        return self._read(self.mic_meter)

    def speaker(self) -> tuple[float, float, bool]:
        return self._read(self.speaker_meter)


class AudioStreams:
    """The conversation's stream factories: devices as the settings say, levels to the
    meters, losses to the conversation. Other devices chosen reopen the streams (while
    connected); a new headphones, noise or gain setting gives the open microphone a new
    processor at once."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        settings: SettingsModel,
        levels: LevelTaps | None = None,
    ) -> None:
        self._loop = loop
        self._settings = settings
        self.levels = levels if levels is not None else LevelTaps()
        self.conversation: Conversation | None = None  # set once it is built
        self._unsubscribe = [
            settings.subscribe(DEVICE_FIELDS, self._on_device_settings),
            settings.subscribe(VOICE_FIELDS, self._on_voice_settings),
        ]

    def make_mic(self, on_chunk: Callable[[bytes], None]) -> MicCapture:
        from gemini_desk.audio.capture import MicCapture

        mic = MicCapture(
            self._loop,
            on_chunk,
            device=self._settings.current.input_device or None,
            on_lost=self._on_lost,
        )
        self.levels.mic_meter = mic.level
        # Echo cancellation against what the speaker plays (issue 8).
        mic.processor = self._processor(self._settings.current)
        return mic

    def make_speaker(self) -> SpeakerPlayback:
        from gemini_desk.audio.playback import SpeakerPlayback

        speaker = SpeakerPlayback(
            device=self._settings.current.output_device or None,
            loop=self._loop,
            on_lost=self._on_lost,
        )
        self.levels.speaker_meter = speaker.level
        return speaker

    def make_sample_speaker(self, device: str) -> SpeakerPlayback:
        """A speaker of its own for voice samples (the device chosen in the dialog)."""
        from gemini_desk.audio.playback import SpeakerPlayback

        return SpeakerPlayback(
            device=device or None,
            loop=self._loop,
            on_lost=lambda msg: log.warning("sample speaker: %s", msg),
        )

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    def _processor(self, settings: Settings) -> MicProcessor | None:
        from gemini_desk.audio.echo import make_processor

        return make_processor(settings, self._speaker)

    def _speaker(self) -> Any:
        """What the speaker plays is the echo to cancel (None while it is closed)."""
        return self.conversation.speaker if self.conversation is not None else None

    def _on_device_settings(self, _old: Settings, _new: Settings) -> None:
        if self.conversation is not None:
            self.conversation.restart_audio()

    def _on_voice_settings(self, _old: Settings, new: Settings) -> None:
        mic = self.conversation.mic if self.conversation is not None else None
        if mic is not None:
            mic.processor = self._processor(new)  # type: ignore[attr-defined]

    def _on_lost(self, message: Message) -> None:
        if self.conversation is not None:
            self.conversation.on_audio_lost(message)
