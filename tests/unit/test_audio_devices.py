"""session/audio_devices.AudioDevices: open, mute, lose and reopen a conversation's streams."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.session.audio_devices import AudioDevices, reason


class View:
    def __init__(self) -> None:
        self.errors: list[Message] = []
        self.cleared = 0

    def show_error(self, what: Message, action: str | None = None) -> None:
        self.errors.append(what)

    def clear_error(self) -> None:
        self.cleared += 1


class Mic:
    def __init__(self, fail_on_start: list[bool]) -> None:
        self.muted = False
        self.running = False
        self._fail = fail_on_start

    def start(self) -> None:
        if self._fail and self._fail.pop(0):
            raise OSError("Device unavailable")
        self.running = True

    def stop(self) -> None:
        self.running = False


class Speaker:
    last_first_sample_time = None

    def __init__(self) -> None:
        self.running = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def feed(self, pcm: bytes, rate: int = 24_000) -> None: ...
    def clear(self) -> None: ...
    def end_turn(self) -> None: ...


class Rig:
    def __init__(self, fail_on_start: list[bool] | None = None) -> None:
        self.view = View()
        self.mics: list[Mic] = []
        self.speakers: list[Speaker] = []
        self.is_muted = False
        self.is_live = True
        fails = fail_on_start if fail_on_start is not None else []

        def make_mic(_on_chunk: Callable[[bytes], None]) -> Mic:
            self.mics.append(Mic(fails))
            return self.mics[-1]

        def make_speaker() -> Speaker:
            self.speakers.append(Speaker())
            return self.speakers[-1]

        self.devices = AudioDevices(
            self.view,  # type: ignore[arg-type]
            make_mic,
            make_speaker,
            lambda _pcm: None,
            live=lambda: self.is_live,
            muted=lambda: self.is_muted,
        )
        self.devices.reopen_interval = 0.01


def test_muted_the_microphone_stays_closed_until_unmuted() -> None:
    rig = Rig()
    rig.is_muted = True
    rig.devices.start()
    (mic,) = rig.mics
    assert mic.muted and not mic.running
    assert rig.speakers[0].running
    rig.is_muted = False
    rig.devices.set_muted(False)
    assert not mic.muted and mic.running
    rig.devices.set_muted(True)
    assert mic.muted and not mic.running
    assert rig.view.errors == []


def test_a_microphone_that_fails_to_reopen_on_unmute_is_said_and_tried_again() -> None:
    async def main() -> None:
        rig = Rig(fail_on_start=[False, True])  # opens, then fails once after a mute
        rig.devices.start()
        rig.devices.set_muted(True)
        rig.devices.set_muted(False)
        assert rig.devices.mic is None
        assert rig.view.errors == [message(MessageId.MIC_UNAVAILABLE, "Device unavailable.")]
        while rig.devices.mic is None:
            await asyncio.sleep(0.005)
        assert rig.mics[-1].running and len(rig.mics) == 2
        assert rig.view.cleared == 1

    asyncio.run(asyncio.wait_for(main(), 5))


def test_a_lost_device_reopens_as_the_mute_is_now() -> None:
    async def main() -> None:
        rig = Rig()
        rig.devices.start()
        rig.devices.lost(message(MessageId.SPEAKER_STOPPED, "'USB'"))
        assert rig.devices.mic is None and rig.devices.speaker is None
        assert not rig.mics[0].running and not rig.speakers[0].running
        rig.is_muted = True  # muted while the devices were gone
        while rig.devices.mic is None:
            await asyncio.sleep(0.005)
        assert rig.mics[-1].muted and not rig.mics[-1].running
        assert rig.devices.speaker is rig.speakers[-1] and len(rig.speakers) == 2

    asyncio.run(asyncio.wait_for(main(), 5))


def test_no_retries_once_the_conversation_is_over() -> None:
    async def main() -> None:
        rig = Rig()
        rig.devices.start()
        rig.is_live = False
        rig.devices.lost(message(MessageId.SPEAKER_STOPPED, "'USB'"))
        task = rig.devices._reopen_task
        assert task is not None
        await task
        assert rig.devices.mic is None and len(rig.mics) == 1

    asyncio.run(asyncio.wait_for(main(), 5))


def test_reason_is_the_devices_message_or_the_os_words_as_a_sentence() -> None:
    said = message(MessageId.SPEAKER_STOPPED, "'USB'")

    class DeviceError(Exception):
        message = said

    assert reason(DeviceError()) == said
    assert reason(OSError("Device unavailable")) == "Device unavailable."
    assert reason(TimeoutError()) == "TimeoutError."
