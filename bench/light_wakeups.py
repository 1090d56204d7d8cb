"""Where an idle, connected gemini-desk wakes up: counts per second of each source.

Run: python -m bench.light_wakeups [--seconds 20]   (private Xvfb, PulseAudio and local
server, as bench.light starts them)

The app runs in this process (its real window, hands-free, connected to the local server
in its own process, a silent microphone) with counting wrappers around: the PortAudio
microphone callback (and its frames per call), the microphone's pump on the loop, the
echo canceller's 10 ms frames and far-end blocks, the libpulse writer's refills,
the connection's audio sends, ``call_soon_threadsafe`` on the loop, the level meters'
polls and paints. Each figure is per second over ``--seconds`` after a settle, with the
loop thread's CPU time spent inside the wrapped call where it runs there. The wrappers
change nothing but counting (measured overhead: a few microseconds a call). Then the
census of ``bench.wake_census``: Qt events on the loop thread by receiver (timers by
interval and owner), asyncio callbacks by what they run, and every thread's wake-ups
(voluntary context switches) and CPU. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COUNTS: dict[str, int] = defaultdict(int)
CPU: dict[str, float] = defaultdict(float)
FRAMES: dict[str, int] = defaultdict(int)


def count(cls: Any, name: str, label: str, frames_arg: int | None = None) -> None:
    """Wrap ``cls.name`` to count calls (and sum the thread CPU time inside them)."""
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        COUNTS[label] += 1
        if frames_arg is not None:
            FRAMES[label] += int(args[frames_arg])
        t0 = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            CPU[label] += time.thread_time() - t0

    setattr(cls, name, wrapper)


def instrument(mic_ms: int | None) -> None:
    import qasync
    from google.genai.live import AsyncSession

    from bench import wake_census
    from gemini_desk.audio.capture import MicCapture
    from gemini_desk.audio.echo_canceller import EchoCanceller
    from gemini_desk.audio.pulse_writer import PulseWriter
    from gemini_desk.live.session import LiveSession
    from gemini_desk.ui.level_meter import LevelMeter
    from gemini_desk.ui.main_window import MainWindow

    wake_census.instrument_asyncio()
    window_init = MainWindow.__init__

    @functools.wraps(window_init)
    def census_init(self: Any, *a: Any, **kw: Any) -> None:
        window_init(self, *a, **kw)
        self._wake_census = wake_census.install_qt_filter()  # on the GUI thread

    MainWindow.__init__ = census_init  # type: ignore[method-assign]
    count(MicCapture, "callback", "mic callbacks (PortAudio thread)", frames_arg=2)
    count(MicCapture, "_pump", "mic pump runs (loop)")
    count(EchoCanceller, "_process_frame", "echo canceller 10 ms frames (loop)")
    count(EchoCanceller, "push_far", "echo far-end blocks pushed")
    count(PulseWriter, "service", "libpulse writer refills (gd-speaker thread)")
    count(LiveSession, "send_audio", "audio chunks handed to the connection (loop)")
    count(qasync.QEventLoop, "call_soon_threadsafe", "call_soon_threadsafe (any thread)")
    count(LevelMeter, "poll", "level meter polls (2 meters)")
    count(LevelMeter, "paintEvent", "level meter paints")
    count(AsyncSession, "send_realtime_input", "SDK send_realtime_input calls (loop)")
    if mic_ms is not None:  # what other block and chunk sizes would cost (nothing edited)
        init = MicCapture.__init__

        @functools.wraps(init)
        def sized(self: Any, *a: Any, **kw: Any) -> None:
            kw.update(block_ms=mic_ms, chunk_ms=mic_ms)
            init(self, *a, **kw)

        MicCapture.__init__ = sized  # type: ignore[method-assign]


def _copy(counts: dict[str, int]) -> dict[str, int]:
    """A copy of a counter the GUI thread may be adding a key to right now."""
    while True:
        try:
            return dict(counts)
        except RuntimeError:  # changed size during iteration
            continue


def measure(seconds: float, settle: float, log_file: Path, result: dict[str, Any]) -> None:
    deadline = time.monotonic() + 60
    while "capture started" not in (log_file.read_text() if log_file.exists() else ""):
        if time.monotonic() > deadline:
            result["error"] = "the app did not connect"
            os.kill(os.getpid(), signal.SIGTERM)
            return
        time.sleep(0.1)
    time.sleep(settle)
    from bench import wake_census as wc

    c0, f0, cpu0 = dict(COUNTS), dict(FRAMES), dict(CPU)
    q0, h0, s0 = _copy(wc.QT), _copy(wc.HANDLES), wc.thread_switches()
    t0, p0 = time.monotonic(), time.process_time()
    time.sleep(seconds)
    dt = time.monotonic() - t0
    q1, h1, s1 = _copy(wc.QT), _copy(wc.HANDLES), wc.thread_switches()
    result["qt_events_per_s"] = wc.rates(q0, q1, dt)
    result["asyncio_callbacks_per_s"] = wc.rates(h0, h1, dt)
    result["threads"] = wc.thread_rates(s0, s1, dt)
    result["process_cpu_pct"] = 100 * (time.process_time() - p0) / dt
    result["per_s"] = {k: (COUNTS[k] - c0.get(k, 0)) / dt for k in COUNTS}
    result["loop_cpu_pct"] = {k: 100 * (CPU[k] - cpu0.get(k, 0.0)) / dt for k in CPU}
    result["frames_per_callback"] = {
        k: (FRAMES[k] - f0.get(k, 0)) / max(1, COUNTS[k] - c0.get(k, 0)) for k in FRAMES
    }
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument(
        "--settle",
        type=float,
        default=12.0,
        help="seconds after capture starts (default 12: past the 10 s after which the "
        "speaker writer and the echo canceller rest, as in bench.light)",
    )
    ap.add_argument(
        "--mic-ms", type=int, default=None, help="microphone block and chunk (default: the app's)"
    )
    args = ap.parse_args(argv)

    from bench.light import start_sim
    from tests.support.pulse import pulse_server
    from tests.support.xvfb import _start_xvfb

    xvfb, n = _start_xvfb("Xvfb", 1280, 800)
    result: dict[str, Any] = {"seconds": args.seconds}
    try:
        with pulse_server():
            home = Path(tempfile.mkdtemp(prefix="gd-wake-"))
            os.environ.update(
                DISPLAY=f":{n}",
                QT_QPA_PLATFORM="xcb",
                GEMINI_DESK_HOME=str(home),
                PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            )
            sim, base_url, ca = start_sim(dict(os.environ))
            os.environ.update(GEMINI_API_KEY="demo-key", SSL_CERT_FILE=str(ca))
            try:
                instrument(args.mic_ms)
                from gemini_desk.app.main import main as app_main

                threading.Thread(
                    target=measure,
                    args=(args.seconds, args.settle, home / "logs" / "gemini-desk.log", result),
                    daemon=True,
                ).start()
                app_main(
                    ["--base-url", base_url, "--connect", "--mic", "pulse", "--speaker", "pulse"]
                )
            finally:
                sim.terminate()
                sim.wait(10)
    finally:
        xvfb.terminate()
        xvfb.wait(10)
    for label, rate in sorted(result.get("per_s", {}).items(), key=lambda kv: -kv[1]):
        extra = ""
        if label in result["frames_per_callback"]:
            extra = f"  ({result['frames_per_callback'][label]:.0f} frames per call)"
        cpu = result["loop_cpu_pct"].get(label, 0.0)
        if label.startswith("SDK"):  # a coroutine function: the figure is not its CPU
            cpu = float("nan")
        print(f"{rate:8.1f}/s  {cpu:5.2f}% of a core inside  {label}{extra}")
    if "threads" in result:
        from bench import wake_census as wc

        print(wc.table("Qt events on the loop thread", result["qt_events_per_s"]))
        print(wc.table("asyncio callbacks run", result["asyncio_callbacks_per_s"]))
        print("-- threads: wake-ups (voluntary context switches) and CPU")
        for name, t in sorted(result["threads"].items(), key=lambda kv: -kv[1]["wakeups_per_s"]):
            print(f"{t['wakeups_per_s']:8.1f}/s  {t['cpu_pct']:5.2f}% of a core  {name}")
        total = sum(t["wakeups_per_s"] for t in result["threads"].values())
        print(f"{total:8.1f}/s  all threads")
    if "process_cpu_pct" in result:
        print(f"whole process: {result['process_cpu_pct']:.1f}% of a core")
    print(json.dumps(result))
    return 0 if "per_s" in result else 1


if __name__ == "__main__":
    raise SystemExit(main())
