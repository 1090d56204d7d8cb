"""Unit tests for the streaming resampler wrapper."""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.core.resampler import StreamResampler, float32_to_int16, int16_to_float32


def _dominant_freq(x: np.ndarray, rate: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spec))])


@pytest.mark.parametrize(
    ("in_rate", "out_rate"), [(44100, 16000), (48000, 16000), (24000, 48000), (24000, 44100)]
)
def test_stream_lengths_add_up_and_sine_frequency_is_kept(in_rate: int, out_rate: int) -> None:
    freq = 440.0
    seconds = 1.0
    t = np.arange(int(in_rate * seconds)) / in_rate
    x = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    r = StreamResampler(in_rate, out_rate)
    block = in_rate // 100  # 10 ms blocks, like the audio callback
    parts = [r.process(x[i : i + block]) for i in range(0, len(x), block)]
    parts.append(r.flush())
    y = np.concatenate(parts)
    assert y.dtype == np.float32
    assert abs(len(y) - out_rate * seconds) <= 2
    assert _dominant_freq(y, out_rate) == pytest.approx(freq, abs=2.0)
    mid = y[len(y) // 4 : 3 * len(y) // 4]
    assert np.sqrt(np.mean(mid**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.02)


def test_flush_resets_for_a_new_stream() -> None:
    r = StreamResampler(24000, 48000)
    x = np.ones(2400, np.float32)
    n1 = len(r.process(x)) + len(r.flush())
    n2 = len(r.process(x)) + len(r.flush())
    assert n1 == n2 == 4800


def test_int16_input_is_scaled() -> None:
    r = StreamResampler(16000, 16000)
    assert r.passthrough
    y = r.process(np.array([0, 16384, -32768], np.int16))
    assert y.dtype == np.float32
    assert y.tolist() == [0.0, 0.5, -1.0]
    assert len(r.flush()) == 0


def test_passthrough_float32() -> None:
    r = StreamResampler(48000, 48000)
    x = np.linspace(-1, 1, 480, dtype=np.float32)
    assert np.array_equal(r.process(x), x)


def test_conversions_clip_and_roundtrip() -> None:
    x = np.array([0.0, 0.5, -1.0, 1.0, 2.0, -2.0], np.float32)
    assert float32_to_int16(x).tolist() == [0, 16384, -32768, 32767, 32767, -32768]
    i = np.array([-32768, -1, 0, 1, 32767], np.int16)
    assert np.array_equal(float32_to_int16(int16_to_float32(i)), i)


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        StreamResampler(0, 16000)
    with pytest.raises(ValueError):
        StreamResampler(48000, 16000).process(np.zeros((10, 2), np.float32))


def test_low_latency_quality_holds_nothing_back_and_does_not_alias() -> None:
    from gemini_desk.core.resampler import LOW_LATENCY

    rate = 44100
    block = rate // 100
    t = np.arange(rate) / rate
    for freq, expect_db in ((1000.0, 0.0), (11000.0, -60.0)):
        sig = np.sin(2 * np.pi * freq * t).astype(np.float32)
        r = StreamResampler(rate, 16000, LOW_LATENCY)
        fed = out_n = 0
        outs = []
        for i in range(0, rate - block + 1, block):
            y = r.process(sig[i : i + block])
            fed += block
            out_n += y.size
            outs.append(y)
            # No more than one output sample held back at any point (soxr HQ: ~20 ms).
            assert fed * 16000 / rate - out_n < 1.5
        y = np.concatenate(outs)[500:]
        level = 20 * np.log10(np.sqrt(np.mean(y.astype(np.float64) ** 2)) / np.sqrt(0.5))
        if expect_db == 0.0:
            assert level == pytest.approx(0.0, abs=0.2)
        else:
            assert level < expect_db  # 11 kHz would alias to 5 kHz without the filter
