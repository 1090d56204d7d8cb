"""A private PulseAudio server with a virtual speaker and microphone, as a pytest fixture.

How PortAudio (sounddevice) reaches it
--------------------------------------
The fixture starts ``pulseaudio -n --daemonize=no`` with only the modules it needs:

* ``module-native-protocol-unix auth-anonymous=1`` - the socket, no cookie needed;
* ``module-null-sink sink_name=speaker`` - the speaker (default sink); record
  ``speaker.monitor`` to hear what the app plays;
* ``module-null-sink sink_name=virtmic channels=1`` plus
  ``module-remap-source master=virtmic.monitor source_name=mic channels=1`` - the
  microphone (default source); ``paplay -d virtmic`` "speaks" into it. Null sinks are
  clocked, so audio flows at real time.

It then sets, in ``os.environ`` (so this process, libpulse inside PortAudio and every
child see it): ``XDG_RUNTIME_DIR`` (a fresh 0700 temp dir - needed as root),
``PULSE_SERVER=unix:$XDG_RUNTIME_DIR/pulse/native`` and ``PULSE_STATE_PATH`` (so nothing
is written to the real home).

PortAudio only has an ALSA host API here. ALSA sees PulseAudio through
libasound2-plugins: ``/usr/share/alsa/alsa.conf.d/50-pulseaudio.conf`` always defines
the PCM ``pulse``, and ``99-pulse.conf`` (a hook run when ALSA loads its config) makes
``default`` point at it when a server is reachable. No ``.asoundrc`` or
``ALSA_CONFIG_PATH`` is needed. sounddevice then lists two devices, ``pulse`` and
``default`` (32 in / 32 out channels, default_samplerate 44100.0): open ``"pulse"`` by
name (``PULSE_SERVER`` picks the server; the default sink/source pick speaker/mic).

The same rig runs on PipeWire's pulse server: ``pulse_server("pipewire")`` starts
pipewire, wireplumber and pipewire-pulse instead (tests/support/pipewire.py) and makes
the same devices, and everything above holds for it. Tests run on both with
``pytestmark = on_both_servers`` (the ``pulse`` fixture is parametrised indirectly;
tests that do not ask get PulseAudio).

PortAudio enumerates devices in ``Pa_Initialize``: sounddevice calls it on import, so
the fixture calls ``sd._terminate(); sd._initialize()`` after the server is up (and
again after tear-down) to re-scan; ALSA reloads its config then, so the hook re-runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support.needs import unavailable
from tests.support.pipewire import (
    PIPEWIRE_TOOLS,
    device_modules,
    program,
    start_pipewire,
    stop_all,
    wait_until,
)

__all__ = [
    "SERVER_KINDS",
    "PulseServer",
    "PulseUnavailable",
    "Recording",
    "on_both_servers",
    "pulse",
    "pulse_server",
]

SERVER_KINDS = ("pulseaudio", "pipewire")

SPEAKER_SINK = "speaker"
MIC_SINK = "virtmic"
MIC_SOURCE = "mic"
PORTAUDIO_DEVICE = "pulse"


def _rescan_portaudio() -> None:
    """Make an already-imported sounddevice see the current set of devices."""
    sd: Any = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


def _warm_up_portaudio(timeout: float = 10.0) -> None:
    """Open one input and one output stream on ``pulse`` until callbacks flow.

    Measured here: the first PortAudio input stream a process opens on the ALSA
    ``pulse`` device gets no callbacks for ~1.3-1.7 s after start() (later ones start at
    once), and an output stream often plays its first 3 blocks and then stalls for a
    similar time before it runs steadily. Paying the input stall once here keeps the
    tests' first capture from losing audio; tests still wait for callbacks to flow
    (``MicCapture.callbacks``/``SpeakerPlayback.callbacks``) before relying on timing.
    """
    try:
        import sounddevice
    except (ImportError, OSError):
        return
    sd: Any = sounddevice
    count = [0]

    def on_input(indata: Any, frames: int, t: Any, status: Any) -> None:
        count[0] += 1

    def on_output(outdata: Any, frames: int, t: Any, status: Any) -> None:
        outdata.fill(0)
        count[0] += 1

    for cls, callback in ((sd.InputStream, on_input), (sd.OutputStream, on_output)):
        count[0] = 0
        stream = cls(
            device=PORTAUDIO_DEVICE, channels=1, dtype="float32", latency="low", callback=callback
        )
        with stream:
            deadline = time.monotonic() + timeout
            while count[0] < 20 and time.monotonic() < deadline:
                time.sleep(0.02)


@dataclass
class Recording:
    """A running ``parecord`` of a monitor; ``stop()`` returns its samples."""

    proc: subprocess.Popen[bytes]
    path: Path
    rate: int
    _file: Any = field(repr=False)

    def so_far(self) -> np.ndarray:
        """What has been recorded until now (recording goes on); mono float32."""
        return self._samples()

    def _samples(self) -> np.ndarray:
        """The file's whole s16le samples as float32 in [-1, 1)."""
        data = self.path.read_bytes()
        return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0

    def stop(self) -> np.ndarray:
        """Stop recording; return mono float32 samples in [-1, 1)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._file.close()
        samples = self._samples()
        self.path.unlink(missing_ok=True)
        return samples


class PulseServer:
    """Handle to the private server. ``env`` is the environment for child processes."""

    def __init__(self, runtime_dir: Path, env: dict[str, str], kind: str = "pulseaudio") -> None:
        self.runtime_dir = runtime_dir
        self.env = env
        self.kind = kind  # "pulseaudio" or "pipewire"
        self.device = PORTAUDIO_DEVICE
        # The server's processes (benchmarks count their CPU): pulseaudio alone, or
        # pipewire, wireplumber and pipewire-pulse. ``pid`` is the first of them.
        self.pids: tuple[int, ...] = ()
        self.pid: int | None = None
        self._seq = 0

    def _tmp(self, suffix: str) -> Path:
        self._seq += 1
        return self.runtime_dir / f"tmp{self._seq}{suffix}"

    def pactl(self, *args: str) -> str:
        return subprocess.run(
            ["pactl", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout

    def _count_source_outputs(self) -> int:
        return len(
            [ln for ln in self.pactl("list", "short", "source-outputs").splitlines() if ln.strip()]
        )

    def play_into_mic(
        self,
        source: str | os.PathLike[str] | np.ndarray,
        rate: int | None = None,
        *,
        wait: bool = True,
    ) -> subprocess.Popen[bytes]:
        """Play a WAV file, or an int16 (or float in [-1, 1]) mono array at ``rate``,
        into the virtual microphone with ``paplay -d virtmic``."""
        if isinstance(source, np.ndarray):
            if rate is None:
                raise ValueError("rate is required with an array")
            path = self._tmp(".wav")
            write_wav(path, source, rate)
        else:
            path = Path(source)
        proc = subprocess.Popen(
            ["paplay", "-d", MIC_SINK, str(path)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if wait else subprocess.DEVNULL,
        )
        if wait:
            _, err = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise RuntimeError(f"paplay failed: {err.decode(errors='replace')}")
        return proc

    def streams_of(self, pid: int, kind: str) -> int:
        """How many of the server's ``kind`` (``source-outputs`` or ``sink-inputs``)
        belong to process ``pid``."""
        listing = self.pactl("list", kind)
        return listing.count(f'application.process.id = "{pid}"')

    def stop_player(self, proc: subprocess.Popen[bytes]) -> None:
        """Stop a ``play_into_mic(wait=False)`` player; return once the server has
        dropped its stream."""
        proc.kill()
        proc.wait()
        wait_until(
            lambda: self.streams_of(proc.pid, "sink-inputs") == 0,
            10,
            "the server dropping a stopped player's stream",
            [],
        )

    def wait_until_quiet(self, device: str = MIC_SOURCE, quiet_s: float = 0.3) -> None:
        """Return once ``device`` has delivered ``quiet_s`` of digital silence in a row:
        nothing played into it earlier is still on its way."""

        def quiet() -> bool:
            x = rec.so_far()
            loud = np.flatnonzero(x)
            return x.shape[0] - (loud[-1] + 1 if loud.size else 0) >= quiet_s * 16000

        rec = self.start_recording(16000, device=device)
        try:
            wait_until(quiet, 10, f"{device} falling silent", [])
        finally:
            rec.stop()

    def start_recording(
        self, rate: int = 48000, device: str = f"{SPEAKER_SINK}.monitor"
    ) -> Recording:
        """Start ``parecord`` (raw s16le mono) of ``device``; returns once it is
        connected to the server, so nothing played afterwards is missed."""
        path = self._tmp(".raw")
        before = self._count_source_outputs()
        f = open(path, "wb")  # noqa: SIM115 - closed by Recording.stop()
        proc = subprocess.Popen(
            [
                "parecord",
                "-d",
                device,
                "--raw",
                "--format=s16le",
                f"--rate={rate}",
                "--channels=1",
                "--latency-msec=10",
            ],
            env=self.env,
            stdout=f,
            stderr=subprocess.DEVNULL,
        )
        rec = Recording(proc, path, rate, f)
        deadline = time.monotonic() + 10
        while self._count_source_outputs() <= before:
            if proc.poll() is not None or time.monotonic() > deadline:
                rec.stop()
                raise RuntimeError("parecord did not connect to the PulseAudio server")
            time.sleep(0.02)
        return rec

    def record_speaker(self, seconds: float, rate: int = 48000) -> np.ndarray:
        """Record what reaches the speaker for ``seconds``; mono float32."""
        rec = self.start_recording(rate)
        time.sleep(seconds)
        return rec.stop()


def write_wav(path: str | os.PathLike[str], samples: np.ndarray, rate: int) -> None:
    """Write mono int16 (or float in [-1, 1]) samples as a 16-bit WAV."""
    if samples.dtype != np.int16:
        samples = np.clip(np.asarray(samples, np.float64) * 32768.0, -32768, 32767)
        samples = samples.astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def read_wav(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Read a 16-bit mono WAV as float32 samples and its rate."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return data.astype(np.float32) / 32768.0, w.getframerate()


_ENV_KEYS = ("XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_STATE_PATH", "PULSE_RUNTIME_PATH")


class PulseUnavailable(RuntimeError):
    """The PulseAudio tools are not installed."""


def _start_pulseaudio(env: dict[str, str], log: Any) -> list[subprocess.Popen[bytes]]:
    """``pulseaudio -n`` with only the socket and the rig's devices."""
    return [
        subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "-L",
                "module-native-protocol-unix auth-anonymous=1",
                *(
                    arg
                    for module in device_modules(SPEAKER_SINK, MIC_SINK, MIC_SOURCE)
                    for arg in ("-L", " ".join(module))
                ),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ]


_TOOLS = {
    "pulseaudio": (("pulseaudio",), "pulseaudio"),
    "pipewire": (PIPEWIRE_TOOLS, "pipewire pipewire-pulse wireplumber dbus-daemon"),
}


@contextlib.contextmanager
def pulse_server(kind: str = "pulseaudio") -> Iterator[PulseServer]:
    """Start a private sound server, ``kind`` one of ``SERVER_KINDS``: PulseAudio or
    PipeWire's pulse server; usable outside pytest (see module docstring)."""
    tools, packages = _TOOLS[kind]
    for tool in (*tools, "pactl", "paplay", "parecord"):
        if shutil.which(tool) is None:
            raise PulseUnavailable(
                f"{tool} is not installed (apt-get install {packages} pulseaudio-utils)"
            )
    runtime = Path(tempfile.mkdtemp(prefix="gd-pulse-"))  # mkdtemp makes it 0700
    os.chmod(runtime, 0o700)
    saved = {k: os.environ.get(k) for k in _ENV_KEYS}
    env_vars = {
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
        "PULSE_STATE_PATH": str(runtime / "state"),
        "PULSE_SERVER": f"unix:{runtime}/pulse/native",
    }
    env = {**os.environ, **env_vars}
    log_path = runtime / f"{kind}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in teardown
    server = PulseServer(runtime, env, kind)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        if kind == "pipewire":
            procs = start_pipewire(runtime, env, log)
        else:
            procs = _start_pulseaudio(env, log)
        server.pids = tuple(p.pid for p in procs)
        server.pid = server.pids[0]
        deadline = time.monotonic() + 15
        while True:
            dead = [p for p in procs if p.poll() is not None]
            if dead:
                log.flush()
                text = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{program(dead[0])} exited with {dead[0].returncode}:\n{text}")
            ok = subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=10)
            if ok.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not come up within 15 s")
            time.sleep(0.05)
        if kind == "pipewire":
            for module in device_modules(SPEAKER_SINK, MIC_SINK, MIC_SOURCE):
                server.pactl("load-module", *module)
        server.pactl("set-default-sink", SPEAKER_SINK)
        server.pactl("set-default-source", MIC_SOURCE)
        os.environ.update(env_vars)
        _rescan_portaudio()
        _warm_up_portaudio()
        yield server
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        stop_all(procs)
        log.close()
        _rescan_portaudio()
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture(scope="session")
def pulse(request: pytest.FixtureRequest) -> Iterator[PulseServer]:
    """A private sound server for the test session (see the module docstring):
    PulseAudio, or the kind a test's indirect parametrisation asks for."""
    try:
        cm = pulse_server(getattr(request, "param", "pulseaudio"))
        server = cm.__enter__()
    except PulseUnavailable as exc:
        unavailable(str(exc))  # a skip here, a failure in CI
    try:
        yield server
    finally:
        cm.__exit__(None, None, None)


#: ``pytestmark`` for a module whose tests run on PulseAudio and on PipeWire's pulse
#: server (one server at a time: pytest groups the tests by server).
on_both_servers = pytest.mark.parametrize("pulse", SERVER_KINDS, indirect=True)
