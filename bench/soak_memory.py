"""The 30-minute memory soak of the real app (issue 22: growth < 10 MB).

Run from the repository root (needs xvfb, xdotool, pulseaudio, pulseaudio-utils,
espeak-ng and libasound2-plugins, as ``scripts/setup-env`` installs them):

    .venv/bin/python -m bench.soak_memory                # 30 minutes of wall time
    .venv/bin/python -m bench.soak_memory --minutes 6    # a quick run
    .venv/bin/python -m bench.soak_memory --tracemalloc  # to locate a leak (costs memory)

gemini-desk runs with its real window on a private Xvfb, hands-free on a private
PulseAudio with virtual devices, connected to the local Live server in a process of its
own (as in ``bench.light``). Every ``--every`` seconds one thing happens, in turn: an
utterance spoken into the virtual microphone, a typed turn (xdotool into the window),
sharing a screen region (a second launch hands ``--share-region`` to the running app),
another utterance, and sharing stopped (Ctrl+Shift+X): a five-minute cycle. The server
answers each turn. One cycle runs before the soak's clock starts (``--warmup``), so
what loads on first use (the frame path, say) is not counted as growth. Resident
memory (RSS, and PSS and USS from ``smaps_rollup``; on a shared machine those two move
with whatever else maps the same libraries) is sampled every ``--sample`` seconds;
growth is the median of the last five minutes' samples minus the median of the first
five minutes'. A view of the Python heap (live
objects per type, allocated blocks, malloc's arena) is taken after connecting and at
the end (``bench/soak_app.py``); the ten types that grew most are printed, and with
``--tracemalloc`` the ten source lines whose allocations grew most.

The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.light import progress, start_sim
from bench.light_runs import READY_LINE, desk_argv, desk_env, home_dir, launch, wait_for
from bench.proc_stats import tree_rss_mb

GOAL_MB = 10.0
WINDOW_S = 300.0  # the first and the last five minutes
# One cycle of actions; with --every 60 it lasts 5 minutes, so the first and the last
# five minutes of the soak each hold one whole cycle (sharing on for the same share of it).
ACTIONS = ("speak", "type", "share", "speak", "unshare")


def smaps_mb(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of one process, in MB (10^6 bytes)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {
        k: v * 1024 / 1e6 for k, v in (("rss", fields["Rss"]), ("pss", fields["Pss"]), ("uss", uss))
    }


class Driver:
    """Does the app's periodic activity, as a person would."""

    def __init__(self, env: dict[str, str], pulse: Any, speech: Any, region: str) -> None:
        self.env, self.pulse, self.speech, self.region = env, pulse, speech, region
        self.typed = 0

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        return done.stdout

    def keys_in_window(self, *keys: str, text: str | None = None) -> None:
        win = self.xdotool("search", "--onlyvisible", "--name", "Gemini Desk").split()
        if not win:
            raise RuntimeError("the app's window is not on the screen")
        self.xdotool("windowfocus", "--sync", win[0])
        if text is not None:
            self.xdotool("type", "--delay", "20", text)
        for key in keys:
            self.xdotool("key", "--clearmodifiers", key)

    def act(self, action: str, env: dict[str, str]) -> None:
        if action == "speak":
            self.pulse.play_into_mic(self.speech, 16000, wait=True)
        elif action == "type":
            self.typed += 1
            self.keys_in_window("Return", text=f"typed turn {self.typed}")
        elif action == "share":  # handed to the running instance, like a desktop shortcut
            subprocess.run(
                desk_argv(f"--share-region={self.region}"),
                env=env,
                check=True,
                timeout=60,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        elif action == "unshare":
            self.keys_in_window("ctrl+shift+x")


def heap_view(pid: int, base: Path, n: int, proc: Any) -> dict[str, Any]:
    """Ask the app for a heap view (SIGUSR1) and wait for its file."""
    os.kill(pid, signal.SIGUSR1)
    path = Path(f"{base}.{n}.json")
    wait_for(path.exists, 120, "the heap view", proc)
    return dict(json.loads(path.read_text()))


def heap_growth(first: dict[str, Any], last: dict[str, Any], base: Path) -> dict[str, Any]:
    """The ten types whose live objects grew most; with tracemalloc, the ten lines."""
    types = {
        t: last["types"].get(t, 0) - first["types"].get(t, 0)
        for t in set(first["types"]) | set(last["types"])
    }
    top = sorted(types.items(), key=lambda kv: -kv[1])[:10]
    out: dict[str, Any] = {
        "gc_objects": last["gc_objects"] - first["gc_objects"],
        "allocated_blocks": last["allocated_blocks"] - first["allocated_blocks"],
        "malloc_in_use_mb": (last["malloc"].get("uordblks", 0) - first["malloc"].get("uordblks", 0))
        / 1e6,
        "malloc_arena_mb": (last["malloc"].get("arena", 0) - first["malloc"].get("arena", 0)) / 1e6,
        "top_types": top,
    }
    if last.get("tracemalloc"):
        a = tracemalloc.Snapshot.load(f"{base}.1.tracemalloc")
        b = tracemalloc.Snapshot.load(f"{base}.2.tracemalloc")
        out["top_lines"] = [
            (str(s.traceback[0]), round(s.size_diff / 1e6, 3), s.count_diff)
            for s in b.compare_to(a, "lineno")[:10]
        ]
    return out


def soak(args: argparse.Namespace) -> dict[str, Any]:
    from tests.support.pulse import pulse_server
    from tests.support.sim_fixtures import espeak_pcm16k
    from tests.support.xvfb import _start_xvfb

    xvfb, n = _start_xvfb("Xvfb", 1280, 800)
    try:
        with pulse_server() as pulse:
            env = {**os.environ, **pulse.env, "DISPLAY": f":{n}", "QT_QPA_PLATFORM": "xcb"}
            sim, base_url, ca = start_sim(env)
            try:
                speech = espeak_pcm16k("Hello Gemini, what is on my screen today?")
                return run_app(args, env, pulse, speech, base_url, ca)
            finally:
                sim.terminate()
                sim.wait(10)
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def run_app(
    args: argparse.Namespace, env: dict[str, str], pulse: Any, speech: Any, base_url: str, ca: Path
) -> dict[str, Any]:
    home = home_dir()
    dump = home / "heap"
    extra = {"GEMINI_API_KEY": "demo-key", "SSL_CERT_FILE": str(ca), "GD_SOAK_DUMP": str(dump)}
    if args.tracemalloc:
        extra["GD_SOAK_TRACEMALLOC"] = "1"
    app_env = desk_env(env, home, **extra)
    argv = [sys.executable, "-m", "bench.soak_app", "--base-url", base_url, "--connect"]
    app = launch([*argv, "--mic", "pulse", "--speaker", "pulse"], app_env, home)
    driver = Driver(env, pulse, speech, "100,100,640,400")
    samples: list[dict[str, float]] = []
    try:
        wait_for(lambda: READY_LINE in app.log_text(), 60, "gemini-desk to connect", app.proc)
        pid = app.proc.pid
        connected = smaps_mb(pid)
        k = 0
        if args.warmup:  # one cycle first: what loads on first use is loaded before t0
            progress(f"warm-up: {len(ACTIONS)} actions")
            for k in range(len(ACTIONS)):
                time.sleep(args.every / 2)
                driver.act(ACTIONS[k], app_env)
                time.sleep(args.every / 2)
            k += 1
        first = heap_view(pid, dump, 1, app.proc)
        t0 = time.monotonic()
        end = t0 + args.minutes * 60
        next_sample, next_act = t0, t0 + args.every / 2
        while (now := time.monotonic()) < end:
            if app.proc.poll() is not None:
                raise RuntimeError(f"the app exited:\n{app.output_text()[-2000:]}")
            if now >= next_sample:
                samples.append({"t": now - t0, "tree_rss": tree_rss_mb(pid), **smaps_mb(pid)})
                progress(f"{(now - t0) / 60:5.1f} min: RSS {samples[-1]['rss']:.1f} MB")
                next_sample += args.sample
            if now >= next_act:
                driver.act(ACTIONS[k % len(ACTIONS)], app_env)
                k, next_act = k + 1, next_act + args.every
            time.sleep(max(0.0, min(next_sample, next_act, end) - time.monotonic()))
        last = heap_view(pid, dump, 2, app.proc)
    finally:
        app.stop()
    log = app.log_text()
    return {
        "minutes": args.minutes,
        "connected_rss": connected["rss"],
        "actions": k,
        "samples": samples,
        "heap": heap_growth(first, last, dump),
        "turns": count_turns(home),
        "log_warnings": [ln for ln in log.splitlines() if " WARNING " in ln or " ERROR " in ln][
            :20
        ],
    }


def count_turns(home: Path) -> dict[str, int]:
    """Turns the app saved, by role: the activity really happened."""
    counts: dict[str, int] = {}
    for path in (home / "data" / "conversations").glob("*.jsonl"):
        for line in path.read_text().splitlines():
            role = str(json.loads(line).get("role", "?")) if line.strip() else "?"
            counts[role] = counts.get(role, 0) + 1
    return counts


def report(f: dict[str, Any]) -> dict[str, Any]:
    s = f["samples"]
    window = min(WINDOW_S, f["minutes"] * 60 / 3)
    first = [x for x in s if x["t"] < window]
    last = [x for x in s if x["t"] >= s[-1]["t"] - window + 1e-6]
    growth = {
        k: statistics.median(x[k] for x in last) - statistics.median(x[k] for x in first)
        for k in ("rss", "pss", "uss")
    }
    lines = [
        f"soak: {f['minutes']:.0f} min connected, {f['actions']} actions, turns saved "
        f"{f['turns']}, {len(s)} samples",
        f"RSS MB: connected {f['connected_rss']:.1f}, soak start {s[0]['rss']:.1f}, "
        f"first-{window:.0f}-s median "
        f"{statistics.median(x['rss'] for x in first):.1f}, last median "
        f"{statistics.median(x['rss'] for x in last):.1f}, max {max(x['rss'] for x in s):.1f}",
        f"growth MB: RSS {growth['rss']:+.1f}, PSS {growth['pss']:+.1f}, USS {growth['uss']:+.1f}",
    ]
    h = f["heap"]
    lines.append(
        f"Python heap, end - start: {h['gc_objects']:+d} objects, "
        f"{h['allocated_blocks']:+d} blocks; malloc in use {h['malloc_in_use_mb']:+.1f} MB, "
        f"main arena {h['malloc_arena_mb']:+.1f} MB"
    )
    lines += [f"  {n:+7d}  {t}" for t, n in h["top_types"]]
    lines += [f"  {mb:+8.3f} MB {c:+6d}  {where}" for where, mb, c in h.get("top_lines", [])]
    ok = growth["rss"] < GOAL_MB
    lines.append(f"{'PASS' if ok else 'FAIL'}  RSS growth < {GOAL_MB:.0f} MB: {growth['rss']:.2f}")
    print("\n".join(lines))
    return {**f, "growth_mb": growth, "passed": ok}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0, help="connected (default 30)")
    ap.add_argument("--sample", type=float, default=30.0, help="seconds between RSS samples")
    ap.add_argument("--every", type=float, default=60.0, help="seconds between actions")
    ap.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="1 (default): one cycle of actions before the soak's clock starts; 0: none",
    )
    ap.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    args = ap.parse_args(argv)
    result = report(soak(args))
    print(json.dumps(result))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
