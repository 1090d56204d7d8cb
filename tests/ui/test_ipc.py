"""The single-instance command socket (QLocalServer) and its client, across processes."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gemini_desk.platform.ipc import (
    MAX_AGE_S,
    CommandServer,
    Request,
    send_command,
    socket_name,
)
from tests.support.other_user import as_nobody, shared_folder, squatter
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ANOTHER_USER = sys.platform.startswith("linux") and os.geteuid() == 0
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


# --- only this user, and only through its own folder (issue 18, finding 1) ---------------
def test_the_socket_lives_in_the_users_private_runtime_folder(tmp_path: Path) -> None:
    name = Path(socket_name(tmp_path))
    assert name.parent == Path(os.environ["XDG_RUNTIME_DIR"]) / "gemini-desk"
    assert stat.S_IMODE(os.stat(name.parent).st_mode) == 0o700


@pytest.mark.skipif(not ANOTHER_USER, reason="needs Linux and root to act as another user")
def test_a_socket_of_another_user_is_not_taken_for_the_app(qapp) -> None:  # noqa: F811
    """A squatter's socket does not count as a running app, and hears nothing."""
    with shared_folder() as shared:
        path = shared / "gemini-desk-squatted"
        squat = squatter(path, serve_s=5)
        assert squat.read_line(30) == b"ready\n"
        result = send_command(str(path), "connect")
        assert result.reached is False and result.ok is False
        heard = squat.finish()
    assert heard in (b"", b"got \n"), f"the squatter heard {heard!r}"


@pytest.mark.skipif(not ANOTHER_USER, reason="needs Linux and root to act as another user")
def test_the_app_refuses_commands_from_another_user(qapp) -> None:  # noqa: F811
    with shared_folder() as shared:
        path = shared / "app"
        server = CommandServer(str(path))
        got: list[Request] = []
        server.register("connect", lambda request: got.append(request) or "connecting")
        assert server.listen()
        os.chmod(path, 0o777)  # as if the folder let others in: the check must still hold

        def intruder(out: int) -> None:
            client = socket.socket(socket.AF_UNIX)
            client.settimeout(10)
            client.connect(str(path))
            client.sendall(b'{"action": "connect", "arg": ""}\n')
            reply = b""
            try:
                while chunk := client.recv(4096):
                    reply += chunk
            except ConnectionResetError:  # refused with the request unread
                pass
            os.write(out, b"reply " + reply.hex().encode() + b"\n")

        child = as_nobody(intruder)
        _serve_until(child.has_output, 20)
        assert child.finish() == b"reply \n", "no answer for another user"
        assert got == [], "the command was not run"
        server.close()


# --- bounded: size, depth, idle time (issue 18, finding 2) -------------------------------
def _serve_until(done: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "timed out"
        process_events(10)


def _exchange(path: str, payload: bytes, timeout_s: float = 10) -> bytes:
    """Send ``payload`` from a plain socket while this process serves; all it got back."""
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    client.setblocking(False)
    client.sendall(payload)
    reply = bytearray()
    ended = False

    def finished() -> bool:
        nonlocal ended
        try:
            chunk = client.recv(65536)
        except BlockingIOError:
            return False
        except ConnectionResetError:  # closed with some of the request unread
            chunk = b""
        ended = not chunk
        reply.extend(chunk)
        return ended

    try:
        _serve_until(finished, timeout_s)
    finally:
        client.close()
    return bytes(reply)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[CommandServer, list[Request]]]:
    server = CommandServer(socket_name(tmp_path), idle_timeout_ms=300)
    got: list[Request] = []
    server.register("ptt", lambda request: got.append(request) or "listening")
    assert server.listen()
    yield server, got
    server.close()


def test_deeply_nested_json_gets_an_error_reply_and_no_traceback(
    server: tuple[CommandServer, list[Request]], capfd: pytest.CaptureFixture[str]
) -> None:
    name = server[0].path
    nested = b'{"action": "ptt", "arg": ' + b"[" * 1500 + b"]" * 1500 + b"}\n"
    reply = json.loads(_exchange(name, nested))
    assert reply == {"ok": False, "message": "bad request: nested too deeply"}
    deep_dict = b'{"a":' * 600 + b"1" + b"}" * 600 + b"\n"
    assert json.loads(_exchange(name, deep_dict))["ok"] is False
    assert json.loads(_exchange(name, b'{"action": "ptt", "arg": "press"}\n'))["ok"] is True
    assert server[1] and server[1][0].arg == "press", "the server still serves"
    err = capfd.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err


def test_an_oversized_or_odd_request_is_refused_with_a_reason(
    server: tuple[CommandServer, list[Request]],
) -> None:
    name = server[0].path
    big = b'{"action": "ptt", "arg": "' + b"x" * 100_000 + b'"}\n'
    reply = json.loads(_exchange(name, big))
    assert reply == {"ok": False, "message": "bad request: too large"}
    for odd in (b"[1, 2]\n", b'{"action": 3}\n', b"\xff\xfe\n", b'{"action": "ptt"'):
        assert json.loads(_exchange(name, odd + b"\n"))["ok"] is False, odd
    late = b'{"action": "ptt", "arg": "press", "age": 1e308}\n'
    assert json.loads(_exchange(name, late))["ok"] is True
    nan = b'{"action": "ptt", "arg": "press", "age": NaN}\n'
    assert json.loads(_exchange(name, nan))["ok"] is True
    assert [r.age_s for r in server[1]] == [MAX_AGE_S, 0.0], "the age is a sane number"


def test_idle_connections_are_closed(server: tuple[CommandServer, list[Request]]) -> None:
    """50 connections that never send a whole request are closed; their descriptors go."""
    name = server[0].path
    fds_before = len(os.listdir("/proc/self/fd"))
    clients = []
    for i in range(50):
        client = socket.socket(socket.AF_UNIX)
        client.connect(name)
        client.setblocking(False)
        if i % 2:
            client.sendall(b'{"action": "pt')  # half a request, then nothing
        clients.append(client)
    open_ = set(range(50))

    def all_closed() -> bool:
        for i in list(open_):
            try:
                if clients[i].recv(4096) == b"":
                    open_.discard(i)
            except BlockingIOError:
                pass
            except ConnectionResetError:  # closed with half a request unread
                open_.discard(i)
        return not open_

    _serve_until(all_closed, 20)
    for client in clients:
        client.close()
    _serve_until(lambda: server[0].open_connections == 0, 5)
    assert len(os.listdir("/proc/self/fd")) <= fds_before
    assert json.loads(_exchange(name, b'{"action": "ptt", "arg": "press"}\n'))["ok"] is True


def test_share_region_says_sharing_only_when_sharing_started(tmp_path: Path) -> None:
    """Issue 18, finding 2: "sharing" was the answer even when nothing started."""
    from gemini_desk.core.events import SessionState
    from gemini_desk.core.settings import Settings
    from gemini_desk.core.settings_model import SettingsModel
    from gemini_desk.desktop.sharing import ScreenSharing
    from gemini_desk.platform.single_instance import register_commands
    from gemini_desk.ui.main_window import MainWindow

    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    sharing = ScreenSharing(
        window, window, SettingsModel(Settings()), lambda j: True, lambda: False
    )
    server = CommandServer(socket_name(tmp_path))
    register_commands(
        server,
        lambda: SessionState.DISCONNECTED,
        lambda: None,
        sharing.share_region,
        shared=lambda: sharing.what,
    )
    assert server.listen()
    off_screen = b'{"action": "share-region", "arg": "90000,90000,200,100"}\n'
    reply = json.loads(_exchange(server.path, off_screen))
    assert reply["ok"] is False and "did not start" in reply["message"]
    assert sharing.what is None and window.notices.message, "the window says why"
    server.close()

    started = CommandServer(socket_name(tmp_path / "other"))
    register_commands(
        started, lambda: SessionState.DISCONNECTED, lambda: None, lambda r: None, shared=lambda: 1
    )
    assert started.listen()
    reply = json.loads(_exchange(started.path, off_screen))
    assert reply == {
        "ok": True,
        "message": "sharing 90000,90000,200,100 once connected (nothing is sent before)",
    }
    started.close()
    window.close_now()
    window.deleteLater()
