"""The runs ``bench.light`` is made of: launching each client, waiting for it, measuring."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.proc_stats import thread_wakeups, tree_cpu_s, tree_rss_mb

ROOT = Path(__file__).resolve().parents[1]
APP_TITLE = "Gemini Desk"
BARE_TITLE = "Bare PySide6 window"
BARE_WINDOW = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv[:1])\n"
    f"w = QWidget(); w.setWindowTitle({BARE_TITLE!r}); w.resize(480, 640); w.show()\n"
    "app.exec()\n"
)
# The app's log line once the microphone streams to a live connection: "connected and
# ready" (gemini_desk/audio/capture.py).
READY_LINE = "capture started on"


@dataclass
class Segment:
    """One measured stretch of one client."""

    cpu_pct: float  # of one core: the client's process tree
    server_cpu_pct: float  # the sound server's processes over the same stretch
    rss_mb: float  # at the end
    rss_max_mb: float
    wakeups_per_s: float  # context switches of the client's own threads


@dataclass
class Launched:
    proc: subprocess.Popen[bytes]
    started: float  # time.time() just before the launch
    home: Path | None = None
    output: Path | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def log_text(self) -> str:
        path = self.home / "logs" / "gemini-desk.log" if self.home else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def output_text(self) -> str:
        return self.output.read_text(errors="replace") if self.output else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def wait_for(predicate: object, timeout: float, what: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def log_time(log: str, needle: str, since: float) -> float | None:
    """The wall-clock time of the first log line containing ``needle`` written at or
    after ``since`` (the log file is kept across launches)."""
    for line in log.splitlines():
        if needle in line:
            stamp = " ".join(line.split()[:2])
            t = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
            if t >= since - 0.001:
                return t
    return None


def launch(argv: list[str], env: dict[str, str], home: Path | None = None) -> Launched:
    out = Path(tempfile.mkstemp(prefix="gd-light-", suffix=".out")[1])
    with open(out, "wb") as f:
        t0 = time.time()
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
    return Launched(proc, t0, home, out)


def desk_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "gemini_desk", *args]


def desk_env(base: dict[str, str], home: Path, **extra: str) -> dict[str, str]:
    env = {
        **base,
        "GEMINI_DESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **extra,
    }
    for var in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        if var not in extra:
            env.pop(var, None)
    return env


class WindowWatch:
    """Notes when a top-level window with a given title is mapped on the X display
    (MapNotify on the root: event-driven, no polling that would load the machine)."""

    def __init__(self, display: str) -> None:
        from Xlib import X
        from Xlib import display as xdisplay

        self._x = X
        self._d = xdisplay.Display(display)
        root = self._d.screen().root
        root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self._d.sync()
        self._mapped: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _title(self, window: object) -> str:
        try:
            name = window.get_full_text_property(self._d.intern_atom("_NET_WM_NAME"))  # type: ignore[attr-defined]
            return str(name or window.get_wm_name() or "")  # type: ignore[attr-defined]
        except Exception:
            return ""

    def _run(self) -> None:
        while not self._stop:
            try:
                event = self._d.next_event()
            except Exception:  # the display went away: the benchmark is over
                return
            if event.type == self._x.MapNotify:
                t = time.time()
                title = self._title(event.window)
                with self._lock:
                    self._mapped.setdefault(title, t)

    def reset(self) -> None:
        with self._lock:
            self._mapped.clear()

    def mapped_at(self, title: str) -> float | None:
        with self._lock:
            return self._mapped.get(title)


def first_window(
    kind: str, env: dict[str, str], watch: WindowWatch, home: Path
) -> tuple[float, float | None]:
    """Seconds from launch to the first window (and, for the app in demo mode, to
    connected and ready)."""
    watch.reset()
    if kind == "bare":
        app = launch([sys.executable, "-c", BARE_WINDOW], env)
        title = BARE_TITLE
    else:
        app = launch(desk_argv("--demo", "--connect"), desk_env(env, home), home)
        title = APP_TITLE
    try:
        wait_for(lambda: watch.mapped_at(title) is not None, 60, f"{kind}'s window", app.proc)
        window = watch.mapped_at(title) - app.started  # type: ignore[operator]
        ready = None
        if kind != "bare":
            wait_for(
                lambda: log_time(app.log_text(), READY_LINE, app.started) is not None,
                60,
                "demo mode connected",
                app.proc,
            )
            ready = log_time(app.log_text(), READY_LINE, app.started) - app.started  # type: ignore[operator]
        return window, ready
    finally:
        app.stop()


def measure(
    app: Launched, seconds: float, server_pids: tuple[int, ...], settle: float = 3.0
) -> Segment:
    """CPU (process tree), the sound server's CPU, RSS and wake-ups over ``seconds``
    after ``settle`` seconds."""
    time.sleep(settle)
    pid = app.proc.pid
    cpu0, srv0 = tree_cpu_s(pid), sum(tree_cpu_s(p) for p in server_pids)
    wake0 = sum(thread_wakeups(pid).values())
    t0 = time.monotonic()
    rss_max = 0.0
    while (left := t0 + seconds - time.monotonic()) > 0:
        time.sleep(min(1.0, left))
        rss_max = max(rss_max, tree_rss_mb(pid))
        if app.proc.poll() is not None:
            raise RuntimeError(f"the client exited while measured:\n{app.output_text()[-2000:]}")
    elapsed = time.monotonic() - t0
    cpu1, srv1 = tree_cpu_s(pid), sum(tree_cpu_s(p) for p in server_pids)
    wake1 = sum(thread_wakeups(pid).values())
    return Segment(
        cpu_pct=100 * (cpu1 - cpu0) / elapsed,
        server_cpu_pct=100 * (srv1 - srv0) / elapsed,
        rss_mb=tree_rss_mb(pid),
        rss_max_mb=rss_max,
        wakeups_per_s=(wake1 - wake0) / elapsed,
    )


def connected_client(
    kind: str, env: dict[str, str], base_url: str, ca_file: Path, home: Path
) -> Launched:
    """gemini-desk (window shown, hands-free) or the naive client, connected to the
    local server in the benchmark's own process; returns once audio streams."""
    if kind == "desk":
        app = launch(
            desk_argv("--base-url", base_url, "--connect", "--mic", "pulse", "--speaker", "pulse"),
            desk_env(env, home, GEMINI_API_KEY="demo-key", SSL_CERT_FILE=str(ca_file)),
            home,
        )
        wait_for(lambda: READY_LINE in app.log_text(), 60, "gemini-desk to connect", app.proc)
    else:
        naive_env = {
            **env,
            "GEMINI_API_KEY": "demo-key",
            "GOOGLE_GEMINI_BASE_URL": base_url,
            "SSL_CERT_FILE": str(ca_file),
        }
        naive_env.pop("GOOGLE_API_KEY", None)
        app = launch([sys.executable, "-m", "bench.light_naive"], naive_env)
        wait_for(lambda: "connected" in app.output_text(), 60, "the naive client", app.proc)
    return app


class Talker:
    """Speaks into the virtual microphone: one utterance every ``period`` seconds
    (the local server answers each with the words played back)."""

    def __init__(self, pulse: object, speech: object, period: float = 8.0) -> None:
        self._pulse, self._speech, self._period = pulse, speech, period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            proc = self._pulse.play_into_mic(self._speech, 16000, wait=False)  # type: ignore[attr-defined]
            self._stop.wait(self._period)
            if proc.poll() is None:
                proc.terminate()
            proc.wait(10)

    def __enter__(self) -> Talker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(15)


def home_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="gd-light-home-"))
    os.chmod(path, 0o700)
    return path
