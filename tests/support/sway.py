"""A real headless Wayland session as a pytest fixture: sway, the portals and PipeWire.

sway refuses to run as root ("Unable to drop root"), so the session belongs to an
unprivileged user the fixture creates when it is missing (``useradd --system``, as
root; scripts/setup-env creates it too). Everything runs as that user, with its own
0700 ``XDG_RUNTIME_DIR`` under /tmp, and is started and stopped here (no systemd):

* ``dbus-daemon --session``, ``pipewire``, ``wireplumber`` and ``pipewire-pulse``
  (tests/support/pipewire.py; the pulse server gives the app its virtual speaker and
  microphone, the same devices as the PulseAudio rig);
* ``sway`` with ``WLR_BACKENDS=headless`` (one output, ``HEADLESS-1``, of a known size,
  no bar, no borders), ``WLR_LIBINPUT_NO_DEVICES=1`` and the pixman renderer (no GPU);
* a keyboard on its seat: ``wtype`` (the virtual-keyboard protocol) left sleeping, so
  :meth:`WaylandSession.type_keys` reaches the focused window. There is no pointer: the
  seat has no pointer device, so clients bind no ``wl_pointer`` and ``swaymsg seat -
  cursor press`` reaches none of them (checked here), and Debian 12 packages no
  virtual-pointer tool (wlrctl); mouse drags are tested under Qt's own events instead;
* ``xdg-desktop-portal-wlr`` (ScreenCast; ``chooser_type=none`` with
  ``output_name=HEADLESS-1``: it picks that output without a dialog) and then
  ``xdg-desktop-portal`` (1.16 picks the wlr backend from ``UseIn=sway`` and
  ``XDG_CURRENT_DESKTOP=sway``).

Clients (the app, a pattern window, ``grim``) run as the same user through
:meth:`WaylandSession.popen` with :attr:`WaylandSession.env`: the Wayland socket and the
session bus are that user's alone. Files they need from the test (a CA certificate, a
settings file) go into folders made by :meth:`WaylandSession.private_dir`.
"""

from __future__ import annotations

import atexit
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from tests.support.needs import need_tool, unavailable
from tests.support.pipewire import device_modules, start_pipewire, stop_all, wait_until
from tests.support.user_view import ROOT, UserPython, python_for

__all__ = [
    "OUTPUT",
    "ROOT",
    "WAYLAND_USER",
    "WaylandSession",
    "ensure_user",
    "sway_session",
    "user_python",
]

WAYLAND_USER = "gdwayland"
OUTPUT = "HEADLESS-1"
WIDTH, HEIGHT = 1280, 800
# (tool, Debian package): everything the session runs.
TOOLS = (
    ("sway", "sway"),
    ("swaymsg", "sway"),
    ("grim", "grim"),
    ("dbus-daemon", "dbus-daemon"),
    ("pipewire", "pipewire"),
    ("wireplumber", "wireplumber"),
    ("pipewire-pulse", "pipewire-pulse"),
    ("pactl", "pulseaudio-utils"),
)
PORTAL = Path("/usr/libexec/xdg-desktop-portal")
PORTAL_WLR = Path("/usr/libexec/xdg-desktop-portal-wlr")
SWAY_CONFIG = f"""\
output {OUTPUT} mode {WIDTH}x{HEIGHT} position 0 0 scale 1 bg #404040 solid_color
default_border none
default_floating_border none
focus_follows_mouse no
xwayland disable
"""
WLR_CONFIG = f"""\
[screencast]
chooser_type=none
output_name={OUTPUT}
max_fps=10
"""


def ensure_user(name: str = WAYLAND_USER) -> pwd.struct_passwd:
    """The unprivileged user the session runs as, created when missing (root only)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if os.geteuid() != 0:
        unavailable(f"the Wayland session needs the user {name!r} (or root to create it)")
    command = ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"]
    subprocess.run(
        [*command, "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True
    )
    return pwd.getpwnam(name)


@dataclass
class WaylandSession:
    user: pwd.struct_passwd
    runtime: Path  # the user's XDG_RUNTIME_DIR (0700, its own)
    socket: Path  # the Wayland display socket
    log: Path  # what the daemons wrote
    width: int = WIDTH
    height: int = HEIGHT
    output: str = OUTPUT
    _dirs: list[Path] = field(default_factory=list, repr=False)
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    @property
    def bus(self) -> str:
        return f"unix:path={self.runtime / 'bus'}"

    @property
    def env(self) -> dict[str, str]:
        """What a client of this session needs (on top of PATH and the like)."""
        return {
            "XDG_RUNTIME_DIR": str(self.runtime),
            "WAYLAND_DISPLAY": str(self.socket),  # an absolute path works
            "DBUS_SESSION_BUS_ADDRESS": self.bus,
            "PULSE_SERVER": f"unix:{self.runtime / 'pulse' / 'native'}",
            "QT_QPA_PLATFORM": "wayland",
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "sway",
        }

    def client_env(self, base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
        """``base`` (the test's environment by default) without X11 and with this session."""
        env = dict(os.environ if base is None else base)
        for var in ("DISPLAY", "XAUTHORITY", "SWAYSOCK", "PULSE_STATE_PATH"):
            env.pop(var, None)
        return {**env, **self.env, "HOME": str(self.runtime), **extra}

    def popen(self, cmd: list[str], env: dict[str, str], **kw: Any) -> subprocess.Popen[Any]:
        """Run ``cmd`` as the session's user (no supplementary groups)."""
        return subprocess.Popen(
            cmd,
            env=env,
            user=self.user.pw_uid,
            group=self.user.pw_gid,
            extra_groups=[],
            **kw,
        )

    def run(
        self,
        cmd: list[str],
        timeout: float = 30,
        env_extra: dict[str, str] | None = None,
        **kw: Any,
    ) -> subprocess.CompletedProcess[Any]:
        env = self.client_env(**(env_extra or {}))
        proc = self.popen(cmd, env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)

    def swaymsg(self, *args: str) -> Any:
        """A sway IPC command or query (``-r``: raw JSON), parsed."""
        done = self.run(["swaymsg", "-s", str(self.ipc_socket()), "-r", *args], text=True)
        if done.returncode != 0:
            raise RuntimeError(f"swaymsg {' '.join(args)}: {done.stdout}{done.stderr}")
        return json.loads(done.stdout) if done.stdout.strip() else None

    def type_keys(self, *args: str) -> None:
        """Keys on the focused window through ``wtype`` (the virtual-keyboard protocol):
        ``type_keys("-M", "ctrl", ",", "-m", "ctrl")``, ``type_keys("-k", "Return")``.
        They arrive because the session's seat has a keyboard all along (see
        :func:`start_session`)."""
        need_tool("wtype", "wtype")
        done = self.run(["wtype", *args], text=True)
        if done.returncode != 0:
            raise RuntimeError(f"wtype {' '.join(args)}: {done.stderr}")

    def ipc_socket(self) -> Path:
        found = sorted(self.runtime.glob("sway-ipc.*.sock"))
        if not found:
            raise RuntimeError("sway's IPC socket is missing")
        return found[0]

    def windows(self) -> list[dict[str, Any]]:
        """Every application window (sway's tree leaves with a pid), with ``rect``."""
        out: list[dict[str, Any]] = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("pid"):
                out.append(node)
            for child in node.get("nodes", []) + node.get("floating_nodes", []):
                walk(child)

        walk(self.swaymsg("-t", "get_tree"))
        return out

    def window(self, title: str) -> dict[str, Any] | None:
        return next((w for w in self.windows() if w.get("name") == title), None)

    def screenshot(self, path: Path) -> Path:
        """Save the whole output as PNG with ``grim`` (run as the session's user)."""
        done = self.run(["grim", "-o", self.output, "-t", "png", "-"])
        if done.returncode != 0 or not done.stdout:
            raise RuntimeError(f"grim failed: {done.stderr.decode(errors='replace')}")
        path.write_bytes(done.stdout)
        return path

    def private_dir(self, name: str) -> Path:
        """A fresh 0700 folder owned by the session's user (a client's home, its files)."""
        path = Path(tempfile.mkdtemp(prefix=f"gd-{name}-", dir="/tmp"))
        os.chown(path, self.user.pw_uid, self.user.pw_gid)
        os.chmod(path, 0o700)
        self._dirs.append(path)
        return path

    def give(self, path: Path) -> None:
        """Make the session's user the owner of ``path`` and everything under it."""
        for p in [path, *path.rglob("*")]:
            os.chown(p, self.user.pw_uid, self.user.pw_gid)

    def python(self) -> UserPython:
        """How the session's user runs this project's Python (tests/support/user_view.py:
        in place, or a readable view made once per test run). Skips (fails in CI) when
        it cannot."""
        return user_python(self.user)

    def pactl(self, *args: str) -> str:
        done = self.run(["pactl", *args], text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {done.stderr}")
        return str(done.stdout)


_PYTHONS: dict[int, UserPython | str] = {}


def user_python(user: pwd.struct_passwd) -> UserPython:
    """:func:`~tests.support.user_view.python_for`, once per test run and user; a view
    it made is removed when the run ends."""
    found = _PYTHONS.get(user.pw_uid)
    if found is None:
        found = _PYTHONS[user.pw_uid] = python_for(user)
        if isinstance(found, UserPython):
            atexit.register(found.remove)
            print(f"{user.pw_name} runs {found.prefix[0]} with {found.describe()}")
    if isinstance(found, str):
        unavailable(found)
    return found


def _start(
    session: WaylandSession, cmd: list[str], env: dict[str, str], log: IO[bytes]
) -> subprocess.Popen[bytes]:
    return session.popen(cmd, env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _bus_has(session: WaylandSession, name: str) -> bool:
    command = ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus"]
    command += ["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"]
    done = session.run(command, text=True)
    return "boolean true" in done.stdout


def start_session(log_path: Path) -> tuple[WaylandSession, list[subprocess.Popen[bytes]]]:
    """Start the whole session; returns it and its processes in start order."""
    user = ensure_user()
    runtime = Path(tempfile.mkdtemp(prefix="gd-wl-", dir="/tmp"))
    os.chown(runtime, user.pw_uid, user.pw_gid)
    os.chmod(runtime, 0o700)
    session = WaylandSession(user, runtime, runtime / "wayland-gd", log_path)
    config = runtime / "config"
    config.mkdir(mode=0o700)
    (config / "sway").mkdir()
    (config / "sway" / "config").write_text(SWAY_CONFIG)
    (config / "xdg-desktop-portal-wlr").mkdir()
    (config / "xdg-desktop-portal-wlr" / "config").write_text(WLR_CONFIG)
    session.give(config)
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(config),
        "XDG_STATE_HOME": str(runtime / "state"),
        "XDG_CURRENT_DESKTOP": "sway",
        "XDG_SESSION_TYPE": "wayland",
    }
    log = open(log_path, "ab")  # noqa: SIM115 - closed when the session stops
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs += start_pipewire(runtime, base, log, user=user.pw_uid)
        daemon_env = {**base, "DBUS_SESSION_BUS_ADDRESS": session.bus}
        sway_env = {
            **daemon_env,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
            "WLR_HEADLESS_OUTPUTS": "1",
        }
        procs.append(
            _start(session, ["sway", "-c", str(config / "sway" / "config")], sway_env, log)
        )
        # sway names its socket wayland-N itself: take the one it made.
        wait_until(lambda: bool(list(runtime.glob("wayland-*[0-9]"))), 20, "sway's socket", procs)
        session.socket = sorted(runtime.glob("wayland-*[0-9]"))[0]
        wait_until(lambda: bool(list(runtime.glob("sway-ipc.*.sock"))), 20, "sway's IPC", procs)
        if shutil.which("wtype") is not None:
            # A headless seat has no keyboard, so clients bind none and a short-lived
            # wtype's keys reach nobody; a wtype that sleeps for a day keeps a virtual
            # keyboard on the seat (as a desktop has), and later wtype runs type.
            keyboard_env = {**daemon_env, "WAYLAND_DISPLAY": str(session.socket)}
            procs.append(_start(session, ["wtype", "-s", "86400000"], keyboard_env, log))
            wait_until(lambda: _has_keyboard(session), 20, "the seat's keyboard", procs)
        portal_env = {**daemon_env, "WAYLAND_DISPLAY": str(session.socket)}
        procs.append(_start(session, [str(PORTAL_WLR), "-l", "DEBUG"], portal_env, log))
        wait_until(
            lambda: _bus_has(session, "org.freedesktop.impl.portal.desktop.wlr"),
            20,
            "xdg-desktop-portal-wlr on the bus",
            procs,
        )
        procs.append(_start(session, [str(PORTAL), "--replace"], portal_env, log))
        wait_until(
            lambda: _bus_has(session, "org.freedesktop.portal.Desktop"),
            20,
            "xdg-desktop-portal on the bus",
            procs,
        )
        wait_until(lambda: _pulse_answers(session), 20, "pipewire-pulse", procs)
        for module in device_modules("speaker", "virtmic", "mic"):
            session.pactl("load-module", *module)
        session.pactl("set-default-sink", "speaker")
        session.pactl("set-default-source", "mic")
    except BaseException:
        stop_all(procs)
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)
        raise
    session._dirs.append(runtime)
    session._log_file = log
    return session, procs


def _has_keyboard(session: WaylandSession) -> bool:
    seats = session.swaymsg("-t", "get_seats")
    return any(d.get("type") == "keyboard" for seat in seats for d in seat.get("devices", []))


def _pulse_answers(session: WaylandSession) -> bool:
    return session.run(["pactl", "info"]).returncode == 0


def stop_session(session: WaylandSession, procs: list[subprocess.Popen[bytes]]) -> None:
    stop_all(procs)
    if session._log_file is not None:
        session._log_file.close()
    for path in session._dirs:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def sway_session(tmp_path: Path) -> Iterator[WaylandSession]:
    """A running headless sway session with ScreenCast and PipeWire (see the module)."""
    for tool, package in TOOLS:
        need_tool(tool, package)
    for path, package in ((PORTAL, "xdg-desktop-portal"), (PORTAL_WLR, "xdg-desktop-portal-wlr")):
        if not path.exists():
            unavailable(f"{path} is missing (apt-get install {package})")
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != WAYLAND_USER:
        unavailable("the Wayland session is started as root (it runs as its own user)")
    session, procs = start_session(tmp_path / "wayland-session.log")
    try:
        yield session
    finally:
        stop_session(session, procs)
