"""PipeWire's pulse server, started privately: what ``pulse_server("pipewire")`` runs.

Desktops ship PipeWire now, with ``pipewire-pulse`` speaking PulseAudio's protocol, so
the app's libpulse and ALSA ``pulse`` paths meet it unchanged. The rig mirrors the
PulseAudio one (tests/support/pulse.py) and shares its client side, so a test can be
parametrised over both servers:

* a private ``dbus-daemon --session`` (wireplumber asks the session bus for device
  reservation; it runs without one, but logs errors);
* ``pipewire`` (the graph; its stock config brings a dummy driver, so null sinks are
  clocked in real time without any hardware), ``wireplumber`` (the session manager: it
  links streams to the default sink/source) and ``pipewire-pulse`` (the socket
  ``$XDG_RUNTIME_DIR/pulse/native``), all from Debian's packages with their stock config;
* the same virtual devices, made through the pulse server with ``pactl load-module``
  once it answers (pipewire-pulse implements ``module-null-sink`` and
  ``module-remap-source``).

Only the daemons see ``XDG_CONFIG_HOME``/``XDG_STATE_HOME`` (inside the runtime dir, so
no user config is read and wireplumber's remembered defaults are not written to the real
home) and ``DBUS_SESSION_BUS_ADDRESS``; clients need ``PULSE_SERVER`` only. No systemd.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

__all__ = ["PIPEWIRE_TOOLS", "device_modules", "program", "start_pipewire", "stop_all"]

PIPEWIRE_TOOLS = ("pipewire", "pipewire-pulse", "wireplumber", "dbus-daemon")


def device_modules(speaker: str, mic_sink: str, mic_source: str) -> list[list[str]]:
    """The ``pactl load-module`` argument lists that make the rig's virtual devices."""
    return [
        ["module-null-sink", f"sink_name={speaker}"],
        ["module-null-sink", f"sink_name={mic_sink}", "channels=1"],
        [
            "module-remap-source",
            f"master={mic_sink}.monitor",
            f"source_name={mic_source}",
            "channels=1",
        ],
    ]


def program(proc: subprocess.Popen[bytes]) -> str:
    """The name of the program ``proc`` runs (for messages)."""
    args = proc.args
    return str(args[0] if isinstance(args, list) else args)


def wait_until(check: Callable[[], bool], timeout: float, what: str, procs: list[Any]) -> None:
    """Wait for ``check()``; fail early when one of ``procs`` (the daemons being started)
    died."""
    deadline = time.monotonic() + timeout
    while not check():
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            raise RuntimeError(f"{program(dead[0])} exited with {dead[0].returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.02)


def start_pipewire(
    runtime: Path, env: dict[str, str], log: IO[bytes], user: int | None = None
) -> list[subprocess.Popen[bytes]]:
    """Start dbus-daemon, pipewire, wireplumber and pipewire-pulse with ``runtime`` as
    their ``XDG_RUNTIME_DIR``; returns the processes in start order (stop them in
    reverse). The caller waits for the pulse socket to answer ``pactl info``. ``user``
    (a uid; the caller is root) runs them as that user, in its own primary group."""
    for tool in PIPEWIRE_TOOLS:
        if shutil.which(tool) is None:
            raise FileNotFoundError(tool)
    bus = runtime / "bus"
    daemon_env = {
        **env,
        "XDG_CONFIG_HOME": str(runtime / "config"),
        "XDG_STATE_HOME": str(runtime / "state"),
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus}",
    }
    procs: list[subprocess.Popen[bytes]] = []
    group = None if user is None else _gid(user)
    extra_groups = None if user is None else []

    def start(cmd: list[str]) -> None:
        procs.append(
            subprocess.Popen(
                cmd,
                env=daemon_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=user,
                group=group,
                extra_groups=extra_groups,
            )
        )

    try:
        start(["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={bus}"])
        wait_until(bus.exists, 10, "the session bus", procs)
        start(["pipewire"])
        wait_until((runtime / "pipewire-0").exists, 10, "pipewire's socket", procs)
        start(["wireplumber"])
        start(["pipewire-pulse"])
    except BaseException:
        stop_all(procs)
        raise
    return procs


def _gid(uid: int) -> int:
    import pwd

    return pwd.getpwuid(uid).pw_gid


def stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    """Terminate ``procs`` in reverse start order (kill what does not exit in 5 s)."""
    for proc in reversed(procs):
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
