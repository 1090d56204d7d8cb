"""The single-instance command socket (QLocalServer) and its client, across processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gemini_desk.platform.ipc import CommandServer, Request, send_command, socket_name
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CLIENT = """
import json, sys
from gemini_desk.platform.ipc import send_command
r = send_command(sys.argv[1], sys.argv[2], sys.argv[3])
print(json.dumps({"ok": r.ok, "message": r.message, "reached": r.reached}))
"""
SECOND = """
import sys
from PySide6.QtCore import QCoreApplication
from gemini_desk.platform.ipc import CommandServer
app = QCoreApplication([])
print(CommandServer(sys.argv[1]).listen())
"""


def _in_child(code: str, *args: str) -> str:
    """Run ``code`` in another process while this one serves Qt events."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    while proc.poll() is None:
        process_events(10)
    out, _ = proc.communicate()
    return out.strip()


def call(name: str, action: str, arg: str = "") -> dict[str, object]:
    return dict(json.loads(_in_child(CLIENT, name, action, arg)))


def test_commands_reach_the_handler_and_a_second_instance_is_refused(
    qapp,  # noqa: F811
    tmp_path: Path,
) -> None:
    name = socket_name(tmp_path)
    assert name != socket_name(tmp_path / "other"), "each config folder has its own"
    assert send_command(name, "ptt", "press").reached is False
    server = CommandServer(name)
    got: list[Request] = []

    def handler(request: Request) -> str:
        got.append(request)
        if request.arg == "bad":
            raise ValueError("no such thing")
        return "listening"

    server.register("ptt", handler)
    assert server.listen()
    assert call(name, "ptt", "press") == {"ok": True, "message": "listening", "reached": True}
    assert got[0].action == "ptt" and got[0].arg == "press"
    assert 0.0 < got[0].age_s < 30.0, "the client says how long ago it started"
    assert call(name, "ptt", "bad")["message"] == "no such thing"
    assert call(name, "connect")["ok"] is False, "unknown actions are refused"
    assert _in_child(SECOND, name) == "False", "another instance already serves this name"
    server.close()
    assert _in_child(SECOND, name) == "True", "the name is free again once closed"
