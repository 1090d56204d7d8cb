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

__all__ = ["DEVICE_FIELDS", "VOICE_FIELDS", "AudioStreams", "LevelTap", "LevelTaps"]

log = logging.getLogger("gemini_desk.app")

# The settings the microphone's processor is made from (echo cancellation and friends).
VOICE_FIELDS = ("headphones", "noise_suppression", "auto_gain_control")
DEVICE_FIELDS = ("input_device", "output_device")


class LevelTap:
    """One meter source: reads whichever stream's meter is open now (the floor when none
    is), and wakes a sleeping UI meter on the first sound, also from a stream opened
    after it fell asleep (the wish is carried to each new meter)."""

    def __init__(self) -> None:
        self._meter: object | None = None
        self._waiting: tuple[Callable[[], None], float] | None = None

    @property
    def meter(self) -> object | None:
        return self._meter

    @meter.setter
    def meter(self, meter: object | None) -> None:
        self._meter = meter
        if self._waiting is not None:
            self._arm(*self._waiting)

    def __call__(self) -> tuple[float, float, bool]:
        meter = self._meter
        if meter is None:
            return (-90.0, -90.0, False)
        return (meter.rms_db, meter.peak_db, meter.clipped)  # type: ignore[attr-defined]

    def wake_on_sound(self, callback: Callable[[], None], above_db: float) -> None:
        """Call ``callback`` once (on an audio thread) when a block peaks above
        ``above_db``."""
        self._waiting = (callback, above_db)
        self._arm(callback, above_db)

    def _arm(self, callback: Callable[[], None], above_db: float) -> None:
        wish = self._waiting

        def woken() -> None:  # once per wish, whichever meter (old or new) hears it
            if self._waiting is wish:
                self._waiting = None
                callback()

        arm = getattr(self._meter, "wake_on_sound", None)
        if arm is not None:
            arm(woken, above_db)


class LevelTaps:
    """The microphone's and the speaker's meter sources (see :class:`LevelTap`)."""

    def __init__(self) -> None:
        self.mic = LevelTap()
        self.speaker = LevelTap()

    @property
    def mic_meter(self) -> object | None:
        return self.mic.meter

    @mic_meter.setter
    def mic_meter(self, meter: object | None) -> None:
        self.mic.meter = meter

    @property
    def speaker_meter(self) -> object | None:
        return self.speaker.meter

    @speaker_meter.setter
    def speaker_meter(self, meter: object | None) -> None:
        self.speaker.meter = meter


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
