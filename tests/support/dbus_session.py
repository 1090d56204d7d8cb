"""A private ``dbus-daemon --session`` for one test, ready when its address is printed."""

from __future__ import annotations

import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["SessionBus", "private_bus", "start_session_bus"]


class SessionBus:
    """A running session bus: its ``address`` (``unix:path=…,guid=…``) and process."""

    def __init__(self, proc: subprocess.Popen[bytes], address: str) -> None:
        self.proc = proc
        self.address = address

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  {service_dirs}
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def start_session_bus(folder: Path, log: Path, service_dirs: tuple[Path, ...] = ()) -> SessionBus:
    """Start the daemon on a socket in ``folder``; returns once it accepts connections.

    The stock session config would start any service installed on the machine on first
    use (Debian's own xdg-desktop-portal, for one); this bus starts only what
    ``service_dirs`` hold. ``--print-address`` writes the address once the daemon
    listens: reading that line is the ready signal (no polling for the socket file).
    """
    if shutil.which("dbus-daemon") is None:
        raise FileNotFoundError("dbus-daemon")
    socket = folder / "bus"
    config = folder / "session.conf"
    dirs = "".join(f"<servicedir>{d}</servicedir>" for d in service_dirs)
    config.write_text(_CONFIG.format(socket=socket, service_dirs=dirs))
    with log.open("ab") as err:
        proc = subprocess.Popen(
            [
                "dbus-daemon",
                f"--config-file={config}",
                "--nofork",
                "--nopidfile",
                "--print-address=1",
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
        )
    assert proc.stdout is not None
    deadline = time.monotonic() + 10
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, left))
        if not ready:
            proc.kill()
            proc.wait()
            raise RuntimeError("dbus-daemon printed no address within 10 s")
        chunk = proc.stdout.read1(256)  # type: ignore[attr-defined]
        if not chunk:
            proc.wait()
            raise RuntimeError(f"dbus-daemon exited with {proc.returncode}: see {log}")
        line += chunk
    return SessionBus(proc, line.decode().strip())


@pytest.fixture
def private_bus(tmp_path: Path) -> Iterator[SessionBus]:
    """A session bus of this test's own (nothing else on the machine can see it)."""
    folder = tmp_path / "bus"
    folder.mkdir(mode=0o700)
    bus = start_session_bus(folder, tmp_path / "dbus-daemon.log")
    try:
        yield bus
    finally:
        bus.stop()
