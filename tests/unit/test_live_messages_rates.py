"""Model audio at a sample rate no speaker can play is dropped at the parse boundary
(issue 18, finding 9): literal server messages with rate=0, rate=1, a huge rate or none
give no exception, no queued audio and one log line per connection and rate."""

from __future__ import annotations

import logging

import pytest
from google.genai import types

from gemini_desk.audio.render import BlockRenderer
from gemini_desk.core.events import ModelAudio
from gemini_desk.live.messages import AudioRateCheck, events_from_message

PCM = b"\x10\x00" * 200  # 400 bytes: 198 s of audio at rate=1 before the fix
BAD_MIMES = [
    "audio/pcm;rate=0",
    "audio/pcm;rate=1",
    f"audio/pcm;rate={10**9}",
    "audio/pcm;rate=7999",
    "audio/pcm;rate=96001",
    "audio/pcm",  # no rate at all
    "audio/pcm;rate=" + "9" * 5000,  # more digits than int() accepts from a string
]


def audio_message(mime: str) -> types.LiveServerMessage:
    return types.LiveServerMessage.model_validate(
        {
            "server_content": {
                "model_turn": {"parts": [{"inline_data": {"mime_type": mime, "data": PCM}}]}
            }
        }
    )


def rate_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "gemini_desk.live" and "sample rate" in r.message
    ]


@pytest.mark.parametrize("mime", BAD_MIMES)
def test_bad_rate_gives_no_audio_and_no_exception(mime: str) -> None:
    renderer = BlockRenderer()
    renderer.prepare(48000)
    for _ in range(3):
        for event in events_from_message(audio_message(mime)):
            assert not isinstance(event, ModelAudio)
            renderer.feed(event.pcm, event.rate)  # type: ignore[attr-defined]  # never reached
    assert renderer.available == 0


@pytest.mark.parametrize("mime", BAD_MIMES)
def test_bad_rate_is_logged_once_per_connection(
    mime: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gemini_desk.live")
    connection = AudioRateCheck()
    for _ in range(50):
        assert events_from_message(audio_message(mime), connection) == []
    assert len(rate_lines(caplog)) == 1
    caplog.clear()
    again = AudioRateCheck()  # the next connection says it once more
    assert events_from_message(audio_message(mime), again) == []
    assert len(rate_lines(caplog)) == 1


def test_a_server_cycling_rates_logs_a_bounded_number_of_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="gemini_desk.live")
    connection = AudioRateCheck()
    for rate in range(100_000, 100_000 + 1000):
        assert events_from_message(audio_message(f"audio/pcm;rate={rate}"), connection) == []
    assert 1 < len(rate_lines(caplog)) <= AudioRateCheck.MAX_LOGGED + 1


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 44100, 48000, 96000])
def test_sane_rates_pass(rate: int) -> None:
    msg = audio_message(f"audio/pcm;rate={rate}")
    assert events_from_message(msg, AudioRateCheck()) == [ModelAudio(PCM, rate)]
    assert events_from_message(msg) == [ModelAudio(PCM, rate)]
