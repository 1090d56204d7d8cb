"""The portal double answers as the documented interface says, checked with GLib's own
D-Bus client (``gdbus``), and the app's backend meets Debian 12's real portal (1.16,
which has no GlobalShortcuts) as "missing"."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

from gemini_desk.hotkeys.combo import KeyCombo
from gemini_desk.hotkeys.portal_dbus import PortalHotkeys
from tests.support.dbus_session import SessionBus, private_bus, start_session_bus
from tests.support.needs import need_tool, unavailable
from tests.support.portal_double import PortalDouble

__all__ = ["private_bus"]

DEST = ["--dest", "org.freedesktop.portal.Desktop"]
DESKTOP = ["--object-path", "/org/freedesktop/portal/desktop"]
GS = "org.freedesktop.portal.GlobalShortcuts"
REAL_PORTAL_SERVICE = Path("/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service")


def gdbus(bus: SessionBus, *args: str) -> subprocess.CompletedProcess[str]:
    tool = need_tool("gdbus", "libglib2.0-bin")
    return subprocess.run(
        [tool, "call", "--address", bus.address, *args],
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_the_double_follows_the_documented_signatures(private_bus: SessionBus) -> None:
    double = PortalDouble(private_bus.address).start()
    try:
        version = gdbus(
            private_bus,
            *DEST,
            *DESKTOP,
            "--method",
            "org.freedesktop.DBus.Properties.Get",
            GS,
            "version",
        )
        assert version.stdout.strip() == "(<uint32 2>,)"
        created = gdbus(
            private_bus,
            *DEST,
            *DESKTOP,
            "--method",
            f"{GS}.CreateSession",
            "{'handle_token': <'t1'>, 'session_handle_token': <'s1'>}",
        )
        # (objectpath '/org/freedesktop/portal/desktop/request/1_N/t1',)
        match = re.fullmatch(
            r"\(objectpath '/org/freedesktop/portal/desktop/request/(1_\d+)/t1',\)",
            created.stdout.strip(),
        )
        assert match, created.stdout + created.stderr
        call = double.calls_of("CreateSession")[0]
        assert call.signature == "a{sv}" and call.sender == ":" + match[1].replace("_", ".")
        # gdbus's own connection has gone: a later binding from it is refused, and a
        # call with a wrong signature gets InvalidArgs.
        wrong = gdbus(
            private_bus, *DEST, *DESKTOP, "--method", f"{GS}.BindShortcuts", "'not a path'"
        )
        assert wrong.returncode != 0 and "InvalidArgs" in wrong.stderr
        bind = gdbus(
            private_bus,
            *DEST,
            *DESKTOP,
            "--method",
            f"{GS}.BindShortcuts",
            "objectpath '/org/freedesktop/portal/desktop/session/1_99/s1'",
            "[('push-to-talk', {'description': <'Talk'>, 'preferred_trigger': <'F8'>})]",
            "",
            "{'handle_token': <'t2'>}",
        )
        assert bind.returncode != 0 and "NotFound" in bind.stderr, "not the caller's session"
    finally:
        double.stop()


def test_debian_12s_real_portal_counts_as_missing(tmp_path: Path) -> None:
    """xdg-desktop-portal 1.16 owns the bus name but has no GlobalShortcuts: the backend
    reads no version and falls back, saying so once."""
    if not REAL_PORTAL_SERVICE.exists():
        unavailable("xdg-desktop-portal is not installed (apt-get install xdg-desktop-portal)")
    services = tmp_path / "services"
    services.mkdir()
    shutil.copy(REAL_PORTAL_SERVICE, services)  # only the portal can be started on demand
    folder = tmp_path / "bus"
    folder.mkdir(mode=0o700)
    bus = start_session_bus(folder, tmp_path / "dbus-daemon.log", (services,))
    said: list[tuple[str, tuple[str, ...]]] = []

    async def main() -> str | None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        keys: PortalHotkeys

        def changed() -> None:
            if keys.fallback and not done.done():
                done.set_result(keys.fallback)

        keys = PortalHotkeys(
            loop,
            {"talk": KeyCombo.parse("ctrl+alt+space")},
            {"talk": "Talk"},
            lambda _n, _d: None,
            lambda _r: None,
            changed,
            lambda reason, asked: said.append((reason, asked)),
            bus.address,
        )
        keys.start()
        try:
            return await asyncio.wait_for(done, 30)
        finally:
            keys.stop()

    try:
        assert asyncio.run(main()) == "missing"
    finally:
        bus.stop()
    assert said == [("missing", ("CTRL+ALT+space",))]
