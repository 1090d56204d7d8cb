"""What holds gemini-desk's resident memory at idle, connected (issue 22), by owner.

Run from the repository root (the rig of ``bench.light``: xvfb, pulseaudio, espeak-ng):

    .venv/bin/python -m bench.memory_owners                      # about 4 minutes
    .venv/bin/python -m bench.memory_owners --against HEAD~1     # a cut, in MB
    .venv/bin/python -m bench.memory_owners --env MALLOC_ARENA_MAX=2

On a private Xvfb and PulseAudio, against the local Live server in its own process, the
app (window shown, hands-free, connected) and the naive quickstart-like client
(``bench/light_naive.py``) idle for ``--settle`` seconds; then:

* each one's mappings (``/proc/PID/smaps``) are summed by owner (Qt's libraries, the
  PySide6 bindings, numpy, the echo canceller, ffmpeg pulled in by ALSA's plugins,
  malloc's heap and anonymous memory...): RSS, PSS and USS in MB;
* in one more run of the app with tracemalloc on, the Python heap is summed by the
  package whose code allocated it (the innermost frame outside the import machinery);
* with ``--demo``, the app in demo mode (its own server in-process) as a variant;
* with ``--against REV`` (a copy of that revision, e.g. before a cut) and ``--env
  NAME=VALUE`` (the same tree with that variable set), each variant and the tree as it
  is run in ABBA order (``--rounds``), and the medians of RSS, PSS and USS are compared.

The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.light import abba, progress, start_sim
from bench.light_runs import READY_LINE, Launched, desk_env, home_dir, wait_for
from bench.soak_memory import smaps_mb

ROOT = Path(__file__).resolve().parents[1]
SP = "site-packages/"
# Owner of a mapping, by the first pattern its path matches (else "other libraries").
OWNERS = [
    ("Qt libraries and plugins", r"PySide6/Qt/"),
    ("PySide6 bindings (shiboken)", r"PySide6/|shiboken6/"),
    ("echo canceller (livekit)", r"livekit/"),
    ("numpy", r"numpy"),
    ("pydantic-core", r"pydantic_core/"),
    ("Pillow", r"pillow\.libs|PIL/"),
    (
        "ffmpeg & co. (ALSA's a52 plugin)",
        r"libav|libsw|libx26|libaom|librav1e|libSvt|libdav1d|libvpx|libcodec2|libzvbi|"
        r"librsvg|libOpenCL|libva|libvdpau|libmfx|libjxl|libwebp|libtheora|libcairo|"
        r"libpango|libgdk_pixbuf|libshine|libxvid|libtwolame|libmp3lame|libsnappy|libgsm",
    ),
    ("ICU (system)", r"/usr/lib/.*libicu"),
    ("libpython", r"libpython"),
    ("Python heap (malloc [heap])", r"^\[heap\]$"),
    ("anonymous (arenas, pymalloc, stacks)", r"^$|^\[anon|^\[stack"),
]


def owners(pid: int) -> dict[str, list[float]]:
    """RSS, PSS and USS (MB) of ``pid``'s mappings, summed by owner."""
    out: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0])
    owner = ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            path = parts[5] if len(parts) > 5 else ""
            owner = next((o for o, pat in OWNERS if re.search(pat, path)), "other libraries")
        elif parts[0] == "Rss:":
            out[owner][0] += int(parts[1]) * 1024 / 1e6
        elif parts[0] == "Pss:":
            out[owner][1] += int(parts[1]) * 1024 / 1e6
        elif parts[0] in ("Private_Clean:", "Private_Dirty:"):
            out[owner][2] += int(parts[1]) * 1024 / 1e6
    return dict(out)


def package_of(filename: str) -> str:
    """``.../site-packages/google/genai/x.py`` -> ``google.genai``; the stdlib -> stdlib."""
    if SP in filename:
        parts = filename.split(SP, 1)[1].split("/")
        return ".".join(parts[:2]) if parts[0] in ("google", "gemini_desk") else parts[0]
    if "/gemini_desk/" in filename:
        parts = filename.rsplit("/gemini_desk/", 1)[1].split("/")
        return "gemini_desk." + parts[0].removesuffix(".py")
    return "stdlib" if "/lib/python3" in filename else filename


def heap_by_package(snapshot_file: str) -> dict[str, float]:
    """The traced Python heap in MB by the package whose code allocated it."""
    snap = tracemalloc.Snapshot.load(snapshot_file)
    sizes: dict[str, float] = collections.Counter()
    for trace in snap.traces:
        frames = [f.filename for f in reversed(trace.traceback)]  # most recent first
        code = [f for f in frames if not f.startswith("<")]
        # The library that called into the standard library, else the stdlib frame.
        where = next((f for f in code if package_of(f) != "stdlib"), (code or frames)[0])
        sizes[package_of(where)] += trace.size / 1e6
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def tree_at(rev: str) -> Path:
    """A copy of the repository at ``rev`` (git archive), to run its app."""
    dest = Path(tempfile.mkdtemp(prefix="gd-owners-"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def launch_in(argv: list[str], env: dict[str, str], cwd: Path, home: Path | None) -> Launched:
    out = Path(tempfile.mkstemp(prefix="gd-owners-", suffix=".out")[1])
    with open(out, "wb") as f:
        t0 = time.time()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=f, stderr=subprocess.STDOUT)
    return Launched(proc, t0, home, out)


def desk(
    base: dict[str, str], base_url: str, ca: Path, tree: Path, extra: dict[str, str]
) -> Launched:
    home, extra = home_dir(), dict(extra)
    env = desk_env(base, home, GEMINI_API_KEY="demo-key", SSL_CERT_FILE=str(ca), **extra)
    env["GD_SOAK_DUMP"] = str(home / "heap")
    if extra.pop("DEMO", ""):  # demo mode: the app's own server, in-process
        env.pop("GEMINI_API_KEY")
        env.pop("SSL_CERT_FILE")
        argv = [sys.executable, "-m", "bench.soak_app", "--demo", "--connect"]
    else:
        argv = [sys.executable, "-m", "bench.soak_app", "--base-url", base_url, "--connect"]
    app = launch_in([*argv, "--mic", "pulse", "--speaker", "pulse"], env, tree, home)
    slow = 300 if "GD_SOAK_TRACEMALLOC" in extra else 60  # tracing slows start-up 5-10x
    wait_for(lambda: READY_LINE in app.log_text(), slow, "gemini-desk to connect", app.proc)
    return app


BARE = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QWidget(); w.setWindowTitle('Bare'); w.resize(480, 640); w.show()\n"
    "QTimer.singleShot(0, lambda: print('shown', flush=True))\n"
    "app.exec()\n"
)


def bare(base: dict[str, str]) -> Launched:
    """A bare PySide6 window: what Qt's widgets cost on their own."""
    app = launch_in([sys.executable, "-c", BARE], base, ROOT, None)
    wait_for(lambda: "shown" in app.output_text(), 60, "the bare window", app.proc)
    return app


def naive(base: dict[str, str], base_url: str, ca: Path) -> Launched:
    env = {**base, "GEMINI_API_KEY": "demo-key", "GOOGLE_GEMINI_BASE_URL": base_url}
    env["SSL_CERT_FILE"] = str(ca)
    env.pop("GOOGLE_API_KEY", None)
    app = launch_in([sys.executable, "-m", "bench.light_naive"], env, ROOT, None)
    wait_for(lambda: "connected" in app.output_text(), 60, "the naive client", app.proc)
    return app


def dump(app: Launched) -> dict[str, Any]:
    """The app's heap view (``bench/soak_app.py``, SIGUSR1)."""
    import signal

    assert app.home is not None
    os.kill(app.proc.pid, signal.SIGUSR1)
    path = app.home / "heap.1.json"
    wait_for(path.exists, 120, "the heap view", app.proc)
    return dict(json.loads(path.read_text()))


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tests.support.pulse import pulse_server
    from tests.support.xvfb import _start_xvfb

    variants: dict[str, tuple[Path, dict[str, str]]] = {"this tree": (ROOT, {})}
    if args.against:
        variants[f"at {args.against}"] = (tree_at(args.against), {})
    if args.demo:
        variants["demo mode"] = (ROOT, {"DEMO": "1"})
    for pair in args.env:
        name, value = pair.split("=", 1)
        variants[pair] = (ROOT, {name: value})
    figures: dict[str, Any] = {"settle_s": args.settle}
    xvfb, n = _start_xvfb("Xvfb", 1920, 1080)
    try:
        with pulse_server() as pulse:
            env = {**os.environ, **pulse.env, "DISPLAY": f":{n}", "QT_QPA_PLATFORM": "xcb"}
            sim, base_url, ca = start_sim(env)
            try:
                progress("naive client")
                app = naive(env, base_url, ca)
                try:
                    time.sleep(args.settle)  # idle is what is measured: nothing to wait on
                    figures["naive"] = {
                        "total": smaps_mb(app.proc.pid),
                        "owners": owners(app.proc.pid),
                    }
                finally:
                    app.stop()
                progress("bare PySide6 window")
                app = bare(env)
                try:
                    time.sleep(args.settle)
                    figures["bare"] = {
                        "total": smaps_mb(app.proc.pid),
                        "owners": owners(app.proc.pid),
                    }
                finally:
                    app.stop()
                progress("gemini-desk with tracemalloc")
                app = desk(env, base_url, ca, ROOT, {"GD_SOAK_TRACEMALLOC": "1"})
                try:
                    time.sleep(args.settle)
                    view = dump(app)
                    figures["python_heap"] = heap_by_package(str(app.home / "heap.1.tracemalloc"))
                    figures["modules"] = sorted({m.split(".")[0] for m in view["modules"]})
                finally:
                    app.stop()
                samples: dict[str, list[dict[str, float]]] = {k: [] for k in variants}
                for name in abba(list(variants), args.rounds):
                    progress(f"gemini-desk: {name}")
                    tree, extra = variants[name]
                    app = desk(env, base_url, ca, tree, extra)
                    try:
                        time.sleep(args.settle)
                        samples[name].append(smaps_mb(app.proc.pid))
                        if name == "this tree" and "desk" not in figures:
                            figures["desk"] = {"owners": owners(app.proc.pid)}
                    finally:
                        app.stop()
                figures["variants"] = {
                    k: {f: statistics.median(s[f] for s in v) for f in ("rss", "pss", "uss")}
                    for k, v in samples.items()
                }
                figures["desk"]["total"] = figures["variants"]["this tree"]
            finally:
                sim.terminate()
                sim.wait(10)
    finally:
        xvfb.terminate()
        xvfb.wait(10)
    return figures


def report(f: dict[str, Any]) -> None:
    d, nv, bw = f["desk"], f["naive"], f["bare"]
    names = sorted(set(d["owners"]) | set(nv["owners"]), key=lambda o: -d["owners"].get(o, [0])[0])
    lines = [
        f"idle, connected, after {f['settle_s']:.0f} s, MB | desk RSS   PSS    USS | "
        "naive RSS | bare window RSS"
    ]
    for o in names:
        a, b = d["owners"].get(o, [0.0] * 3), nv["owners"].get(o, [0.0] * 3)
        c = bw["owners"].get(o, [0.0] * 3)
        lines.append(f"{o:38s} | {a[0]:6.1f} {a[1]:6.1f} {a[2]:6.1f} | {b[0]:6.1f} | {c[0]:6.1f}")
    t, tn, tb = d["total"], nv["total"], bw["total"]
    lines.append(
        f"{'total':38s} | {t['rss']:6.1f} {t['pss']:6.1f} {t['uss']:6.1f} | {tn['rss']:6.1f} | "
        f"{tb['rss']:6.1f}"
    )
    lines.append(
        f"PSS / USS: naive {tn['pss']:.1f} / {tn['uss']:.1f}, bare window "
        f"{tb['pss']:.1f} / {tb['uss']:.1f}"
    )
    lines.append("Python heap by package (tracemalloc run), MB:")
    lines += [f"  {mb:6.2f}  {pkg}" for pkg, mb in list(f["python_heap"].items())[:25]]
    base = f["variants"]["this tree"]
    for name, v in f["variants"].items():
        lines.append(
            f"variant {name:24s} RSS {v['rss']:6.1f} ({v['rss'] - base['rss']:+5.1f})  "
            f"PSS {v['pss']:6.1f} ({v['pss'] - base['pss']:+5.1f})  "
            f"USS {v['uss']:6.1f} ({v['uss'] - base['uss']:+5.1f})"
        )
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settle", type=float, default=20.0, help="idle seconds before reading")
    ap.add_argument("--rounds", type=int, default=2, help="ABBA rounds per variant")
    ap.add_argument("--against", help="also run the app at this git revision")
    ap.add_argument("--demo", action="store_true", help="also run in demo mode")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE: also run with it")
    args = ap.parse_args(argv)
    figures = run(args)
    report(figures)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
