"""Echo return loss enhancement and CPU cost of gemini_desk.audio.echo on a simulated echo path.

The far end is espeak-ng speech at 24 kHz (what the Live API sends), resampled to the
speaker's rate the way playback does. The "room" delays it and convolves it with a
synthetic impulse response (direct path plus an exponentially decaying reverberant tail),
adds microphone noise, and the result is the near end. The canceller sees the far end
with play times and the near end with capture times, as in the app, where the reported
device latencies are off by ``ACOUSTIC_MS`` (the canceller must find that itself).

ERLE = 10 log10(energy of the echo at the microphone / energy left after processing),
over far-end-active frames after ``CONVERGE_S``, for WebRTC's AEC3 alone (the goal) and
with the app's residual echo gate after it; "own" is what the canceller measures itself
(core/erle.py, from its own input and output: Audio diagnostics shows it). The
baseline, measured in the same run, is the same module with echo cancellation off
(high-pass filter only).

    /work/venv/bin/python bench/aec_bench.py [--seconds 24]

Last line: a JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gemini_desk.audio.echo_canceller import EchoCanceller, EchoOptions
from gemini_desk.core.resampler import LOW_LATENCY, StreamResampler

FAR_RATE = 24000
CONVERGE_S = 4.0
SENTENCES = [
    "Sure. Here is a short overview of how echo cancellation works in a voice assistant.",
    "The speaker plays the answer, and the microphone hears it again a few milliseconds later.",
    "An adaptive filter learns the path from the speaker to the microphone and subtracts it.",
    "What remains is the voice of the person in the room, which goes to the model.",
    "Without it, the model hears itself and stops talking in the middle of a sentence.",
]


def espeak_24k(text: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-w", str(out), text], check=True, capture_output=True)
        with wave.open(str(out), "rb") as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return soxr.resample(pcm.astype(np.float32) / 32768.0, rate, FAR_RATE).astype(np.float32)


def far_speech(seconds: float, pause_s: float = 0.3) -> np.ndarray:
    """Model speech with ``pause_s`` pauses between sentences, about ``seconds`` long."""
    parts: list[np.ndarray] = []
    total = 0
    i = 0
    pause = np.zeros(int(pause_s * FAR_RATE), dtype=np.float32)
    while total < seconds * FAR_RATE:
        s = espeak_24k(SENTENCES[i % len(SENTENCES)])
        s *= 0.5 / max(1e-6, float(np.abs(s).max()))  # peaks at -6 dBFS
        parts += [s, pause]
        total += s.shape[0] + pause.shape[0]
        i += 1
    return np.concatenate(parts)[: int(seconds * FAR_RATE)]


def room_ir(
    rate: int, rng: np.random.Generator, rt60: float = 0.25, gain_db: float = -6.0
) -> np.ndarray:
    """Direct path plus an exponentially decaying noise tail (RT60 ``rt60`` s)."""
    n = int(rate * rt60)
    t = np.arange(n) / rate
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)  # -60 dB at rt60
    tail[: int(0.002 * rate)] = 0.0
    h = 0.15 * tail / np.sqrt(np.sum(tail**2))
    h[0] = 1.0
    h[int(0.0007 * rate)] = -0.3  # an early reflection
    h *= 10 ** (gain_db / 20) / np.sqrt(np.sum(h**2))
    return h.astype(np.float32)


def run(
    far24: np.ndarray,
    device_rate: int,
    apm_rate: int,
    near_rate: int,
    delay_ms: float,
    options: EchoOptions,
    seed: int = 1,
) -> dict[str, float]:
    """Simulate playback -> room -> capture -> canceller; return ERLE and CPU figures."""
    rng = np.random.default_rng(seed)
    # What the speaker emits: the playback resampler's output at the device rate.
    spk = StreamResampler(FAR_RATE, device_rate, LOW_LATENCY).process(far24)
    d = round(delay_ms / 1000 * device_rate)
    echo = np.convolve(np.concatenate((np.zeros(d, np.float32), spk)), room_ir(device_rate, rng))
    echo = echo[: spk.shape[0]].astype(np.float32)
    noise = (rng.standard_normal(echo.shape[0]) * 10 ** (-65 / 20)).astype(np.float32)
    mic = echo + noise
    # The app resamples the mic to near_rate before the canceller (capture pump).
    mic_rs = StreamResampler(device_rate, near_rate, LOW_LATENCY)
    ec = EchoCanceller(near_rate, device_rate, options, rate=apm_rate)
    blk = device_rate // 100
    out_lat = 0.03  # far end is handed over this far ahead of playing, as from the tap
    outs = []
    steps = spk.shape[0] // blk
    for k in range(steps):
        t = k * 0.01
        # The speaker callback runs ahead of the microphone by the output latency.
        kf = k + int(out_lat / 0.01)
        if kf < steps:
            ec.push_far(spk[kf * blk : (kf + 1) * blk], kf * 0.01)
        near = mic_rs.process(mic[k * blk : (k + 1) * blk])
        outs.append(ec.process_near(near, t))
    out = np.concatenate(outs)
    ref = StreamResampler(device_rate, apm_rate, LOW_LATENCY).process(echo)
    fref = StreamResampler(device_rate, apm_rate, LOW_LATENCY).process(spk)
    n = min(out.shape[0], ref.shape[0])
    fs = apm_rate // 100
    frames = n // fs
    e_in = (ref[: frames * fs].reshape(frames, fs) ** 2).mean(axis=1)
    e_out = (out[: frames * fs].reshape(frames, fs) ** 2).mean(axis=1)
    f_en = (fref[: frames * fs].reshape(frames, fs) ** 2).mean(axis=1)
    start = int(CONVERGE_S * 100)
    active = np.zeros(frames, bool)
    active[start:] = f_en[start:] > 10 ** (-40 / 10)  # far end above -40 dBFS
    erle = 10 * np.log10(e_in[active].sum() / max(e_out[active].sum(), 1e-20))
    own = ec.stats()["echo_reduction_db"]  # the canceller's own figure (Diagnostics)
    return {
        "erle_db": round(float(erle), 1),
        "own_erle_db": round(float(own), 1) if own is not None else float("nan"),
        "cpu_us_per_frame": round(ec.cpu_us_per_frame, 1),
        "cpu_us_max": round(ec.cpu_max_s * 1e6, 1),
        "frames": ec.near_frames,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=24.0)
    args = ap.parse_args()
    far24 = far_speech(args.seconds)
    # Answers 12 s apart: the canceller rests between them (EchoOptions.rest_after_s).
    turns24 = far_speech(max(args.seconds, 36.0), pause_s=12.0)
    aec = EchoOptions(echo_gate=False)  # WebRTC AEC3 alone
    gated = EchoOptions()  # plus the residual echo gate (the app's default)
    base = EchoOptions(echo_cancellation=False)
    cases = [
        # name, device rate, APM rate, near-end rate fed to the canceller, acoustic delay ms
        ("app_48k_dev_16k_apm_d20", 48000, 16000, 16000, 20.0),
        ("app_48k_dev_16k_apm_d120", 48000, 16000, 16000, 120.0),
        ("app_48k_dev_16k_apm_d300", 48000, 16000, 16000, 300.0),
        ("dev_44k1_16k_apm_d60", 44100, 16000, 16000, 60.0),
        ("dev_48k_48k_apm_d60", 48000, 48000, 48000, 60.0),
        ("dev_44k1_48k_apm_d60", 44100, 48000, 44100, 60.0),
        ("turns_12s_apart_48k_dev_16k_apm_d20", 48000, 16000, 16000, 20.0),
        ("turns_12s_apart_48k_dev_16k_apm_d120", 48000, 16000, 16000, 120.0),
    ]
    results: dict[str, dict[str, float]] = {}
    for name, dev, apm, near, delay in cases:
        far = turns24 if name.startswith("turns") else far24
        r = run(far, dev, apm, near, delay, aec)
        g = run(far, dev, apm, near, delay, gated)
        b = run(far, dev, apm, near, delay, base)
        results[name] = {
            "erle_db": r["erle_db"],
            "own_erle_db": r["own_erle_db"],
            "erle_db_with_gate": g["erle_db"],
            "baseline_erle_db": b["erle_db"],
            "cpu_us_per_frame": r["cpu_us_per_frame"],
            "baseline_cpu_us_per_frame": b["cpu_us_per_frame"],
            "cpu_ratio": round(r["cpu_us_per_frame"] / max(b["cpu_us_per_frame"], 1e-9), 2),
        }
        print(
            f"{name:28s} ERLE {r['erle_db']:5.1f} dB (own {r['own_erle_db']:5.1f}; "
            f"+gate {g['erle_db']:5.1f}; "
            f"no AEC {b['erle_db']:5.1f} dB)  "
            f"CPU {r['cpu_us_per_frame']:6.1f} us/10 ms frame (max {r['cpu_us_max']:.0f}; "
            f"no AEC {b['cpu_us_per_frame']:.1f})"
        )
    app = results["app_48k_dev_16k_apm_d20"]
    worst = min(v["erle_db"] for v in results.values())
    summary = {
        "bench": "aec",
        "seconds": args.seconds,
        "converge_s": CONVERGE_S,
        "erle_db": app["erle_db"],
        "erle_db_worst_case": worst,
        "erle_db_with_gate": app["erle_db_with_gate"],
        "baseline_erle_db": app["baseline_erle_db"],
        "cpu_us_per_frame": app["cpu_us_per_frame"],
        "baseline_cpu_us_per_frame": app["baseline_cpu_us_per_frame"],
        "goal_erle_db": 30.0,
        "goal_met": worst >= 30.0,
        "cases": results,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
