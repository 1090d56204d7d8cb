"""Light on the machine: idle CPU, memory, start-up and the frame path (issue 22).

Run from the repository root (needs xvfb, pulseaudio, pulseaudio-utils, espeak-ng and
libasound2-plugins, as ``scripts/setup-env`` installs them):

    .venv/bin/python -m bench.light                 # about 9 minutes
    .venv/bin/python -m bench.light --seconds 15    # a quick run

In one run, on a private 1920x1080 Xvfb and a private PulseAudio server with virtual
devices, against the local Live server in a process of its own (``python -m
gemini_desk.sim``):

* idle, connected, hands-free, in a silent room: CPU (% of one core, the client's process
  and its children), resident memory and wake-ups (context switches of its threads per
  second) over ``--seconds`` after ``--idle-settle`` seconds connected (12: an app left
  alone, past the 10 s after the last sound at which gemini-desk's speaker writer and
  echo canceller rest), for gemini-desk (its real window) and for a naive client
  built like Google's quickstart (``bench/light_naive.py``); the sound server's CPU
  alongside;
* talking: the same with an utterance spoken into the microphone every 8 s (the server
  answers each), the sound server's CPU counted in;
* start-up: launch to first window and to connected and ready (the microphone streams)
  in demo mode (``--demo --connect``), against a bare PySide6 window;
* the frame path (``bench/light_frames.py``): grab + scale + JPEG at 1024 px and at
  native size, against QScreen.grabWindow + QImage.scaled + QImage.save.

Clients alternate in ABBA order (this machine's speed drifts) and figures are medians.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.light_runs import (
    Segment,
    Talker,
    WindowWatch,
    connected_client,
    first_window,
    home_dir,
    measure,
)

GOALS = {
    "idle CPU <= 2x the naive client's": ("idle_cpu_ratio", 2.0),
    "RSS <= 130 MB idle": ("idle_rss_mb", 130.0),
    "first window <= 3x the bare window's": ("first_window_ratio", 3.0),
    "connected <= 1.5 s (demo mode)": ("connected_s", 1.5),
    "frame p50 <= 12 ms at 1024 px": ("frame_1024_p50_ms", 12.0),
}


def abba(items: list[str], rounds: int) -> list[str]:
    """A B B A A B ... : each item in every position equally often."""
    order: list[str] = []
    for r in range(rounds):
        order += items if r % 2 == 0 else items[::-1]
    return order


def start_sim(env: dict[str, str]) -> tuple[subprocess.Popen[str], str, Path]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gemini_desk.sim"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base_url = ca = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        if "GOOGLE_GEMINI_BASE_URL=" in line:
            base_url = line.split("=", 1)[1].strip()
        elif "SSL_CERT_FILE=" in line:
            ca = line.split("=", 1)[1].strip()
        if base_url and ca:
            break
    if not base_url:
        raise RuntimeError("the local server did not start")
    return proc, base_url, Path(ca)


def median_segment(segments: list[Segment]) -> dict[str, float]:
    fields = [f.name for f in dataclasses.fields(Segment)]
    return {f: statistics.median(getattr(s, f) for s in segments) for f in fields}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tests.support.pulse import pulse_server
    from tests.support.sim_fixtures import espeak_pcm16k
    from tests.support.xvfb import _start_xvfb

    figures: dict[str, Any] = {"seconds": args.seconds}
    xvfb, n = _start_xvfb("Xvfb", 1920, 1080)
    try:
        with pulse_server() as pulse:
            env = {**os.environ, **pulse.env, "DISPLAY": f":{n}", "QT_QPA_PLATFORM": "xcb"}
            if "startup" in args.parts:
                figures.update(startup(env, f":{n}", args.starts))
            if "idle" in args.parts:
                sim, base_url, ca = start_sim(env)
                try:
                    speech = espeak_pcm16k("Hello Gemini, what is on my screen today?")
                    figures.update(connected(env, pulse, base_url, ca, speech, args))
                finally:
                    sim.terminate()
                    sim.wait(10)
            if "frames" in args.parts:
                frames = subprocess.run(
                    [sys.executable, "-m", "bench.light_frames", "--repeats", str(args.frames)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=600,
                )
                figures["frames"] = json.loads(frames.stdout.strip().splitlines()[-1])
    finally:
        xvfb.terminate()
        xvfb.wait(10)
    return figures


def startup(env: dict[str, str], display: str, rounds: int) -> dict[str, Any]:
    watch = WindowWatch(display)
    home = home_dir()
    first_window("desk", env, watch, home)  # warm-up: caches, and the app's first run
    first_window("bare", env, watch, home)
    times: dict[str, list[float]] = {"bare": [], "desk": []}
    ready: list[float] = []
    for kind in abba(["desk", "bare"], rounds):
        progress(f"start-up: {kind}")
        window, connected_s = first_window(kind, env, watch, home)
        times[kind].append(window)
        if connected_s is not None:
            ready.append(connected_s)
    return {
        "bare_window_s": statistics.median(times["bare"]),
        "desk_window_s": statistics.median(times["desk"]),
        "connected_s": statistics.median(ready),
        "startup_samples": {**times, "connected": ready},
    }


def connected(
    env: dict[str, str], pulse: Any, base_url: str, ca: Path, speech: Any, args: argparse.Namespace
) -> dict[str, Any]:
    idle: dict[str, list[Segment]] = {"desk": [], "naive": []}
    talk: dict[str, list[Segment]] = {"desk": [], "naive": []}
    for kind in abba(["desk", "naive"], args.rounds):
        progress(f"idle then talking: {kind}")
        app = connected_client(kind, env, base_url, ca, home_dir())
        try:
            idle[kind].append(measure(app, args.seconds, pulse.pids, settle=args.idle_settle))
            with Talker(pulse, speech):
                talk[kind].append(measure(app, args.talk_seconds, pulse.pids, settle=1.0))
        finally:
            app.stop()
    return {
        "idle": {k: median_segment(v) for k, v in idle.items()},
        "talking": {k: median_segment(v) for k, v in talk.items()},
    }


def progress(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what} ...", file=sys.stderr, flush=True)


def report(f: dict[str, Any]) -> dict[str, Any]:
    idle, talk, fr = f["idle"], f["talking"], f["frames"]
    d, nv = idle["desk"], idle["naive"]
    checks = {
        "idle_cpu_ratio": d["cpu_pct"] / max(nv["cpu_pct"], 1e-9),
        "idle_rss_mb": d["rss_mb"],
        "first_window_ratio": f["desk_window_s"] / f["bare_window_s"],
        "connected_s": f["connected_s"],
        "frame_1024_p50_ms": fr["desk_1024"]["p50_ms"],
    }
    lines = [
        f"idle, connected, hands-free ({f['seconds']:.0f} s, medians) "
        "| gemini-desk | naive | ratio",
        f"CPU, % of a core                 | {d['cpu_pct']:6.1f} | {nv['cpu_pct']:6.1f} | "
        f"{checks['idle_cpu_ratio']:.2f}",
        f"sound server CPU, %              | {d['server_cpu_pct']:6.1f} | "
        f"{nv['server_cpu_pct']:6.1f} |",
        f"resident memory, MB              | {d['rss_mb']:6.1f} | {nv['rss_mb']:6.1f} | "
        f"{d['rss_mb'] / nv['rss_mb']:.2f}",
        f"wake-ups per second              | {d['wakeups_per_s']:6.0f} | "
        f"{nv['wakeups_per_s']:6.0f} |",
    ]
    td, tn = talk["desk"], talk["naive"]
    lines.append(
        f"talking: CPU + sound server, %   | {td['cpu_pct'] + td['server_cpu_pct']:6.1f} | "
        f"{tn['cpu_pct'] + tn['server_cpu_pct']:6.1f} | "
        f"{(td['cpu_pct'] + td['server_cpu_pct']) / (tn['cpu_pct'] + tn['server_cpu_pct']):.2f}"
        f"  (client alone {td['cpu_pct']:.1f} / {tn['cpu_pct']:.1f})"
    )
    lines.append(
        f"start-up: first window {f['desk_window_s']:.2f} s against a bare window's "
        f"{f['bare_window_s']:.2f} s ({checks['first_window_ratio']:.1f}x); "
        f"connected and ready in demo mode {f['connected_s']:.2f} s"
    )
    for size in ("1024", "native"):
        ours, naive = fr[f"desk_{size}"], fr[f"naive_{size}"]
        lines.append(
            f"frame at {size} px ({'x'.join(map(str, ours['size']))}): p50 "
            f"{ours['p50_ms']:.1f} ms (p95 {ours['p95_ms']:.1f}), {ours['jpeg_kb']:.0f} KB; "
            f"naive Qt {naive['p50_ms']:.1f} ms ({naive['p50_ms'] / ours['p50_ms']:.2f}x)"
        )
    passed = {}
    for goal, (key, limit) in GOALS.items():
        passed[goal] = checks[key] <= limit
        lines.append(f"{'PASS' if passed[goal] else 'FAIL'}  {goal}: {checks[key]:.2f}")
    print("\n".join(lines))
    return {**f, "checks": checks, "passed": passed}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="idle segment (default 60)")
    ap.add_argument(
        "--idle-settle",
        type=float,
        default=12.0,
        help="seconds connected before idle is measured (default 12: an app left alone, "
        "past the 10 s after which the speaker and the echo canceller rest)",
    )
    ap.add_argument("--talk-seconds", type=float, default=None, help="default: seconds / 2")
    ap.add_argument("--rounds", type=int, default=2, help="ABBA rounds per client (default 2)")
    ap.add_argument("--starts", type=int, default=6, help="launches of each for start-up")
    ap.add_argument("--frames", type=int, default=40, help="frames per path")
    ap.add_argument(
        "--parts",
        default="startup,idle,frames",
        help="what to measure, comma-separated (default: startup,idle,frames; goals need all)",
    )
    args = ap.parse_args(argv)
    if args.talk_seconds is None:
        args.talk_seconds = max(8.0, args.seconds / 2)
    args.parts = set(args.parts.split(","))
    figures = run(args)
    if args.parts >= {"startup", "idle", "frames"}:
        result = report(figures)
        print(json.dumps(result))
        return 0 if all(result["passed"].values()) else 1
    print(json.dumps(figures))  # a partial run: figures only, no goal lines
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
