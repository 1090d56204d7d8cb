"""Who is at the other end of a Unix socket (SO_PEERCRED), checked with a real other user."""

from __future__ import annotations

import os
import socket
import sys

import pytest

from gemini_desk.platform.peer_cred import is_same_user, peer_uid
from tests.support.other_user import NOBODY, as_nobody, shared_folder

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0,
    reason="SO_PEERCRED is Linux's; running as another user needs root",
)


def test_the_peer_of_a_socketpair_is_this_user() -> None:
    a, b = socket.socketpair()
    with a, b:
        assert peer_uid(a.fileno()) == os.geteuid()
        assert is_same_user(a.fileno())
    assert peer_uid(-1) is None and not is_same_user(-1)


def test_a_peer_of_another_user_is_told_apart() -> None:
    with shared_folder() as shared:
        path = shared / "s"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        os.chmod(path, 0o777)
        server.listen(1)
        server.settimeout(30)

        def connect(out: int) -> None:
            client = socket.socket(socket.AF_UNIX)
            client.connect(str(path))
            client.recv(1)  # until the parent closes

        child = as_nobody(connect)
        try:
            conn, _ = server.accept()
            with conn:
                assert peer_uid(conn.fileno()) == NOBODY
                assert not is_same_user(conn.fileno())
        finally:
            server.close()
            assert child.finish() == b"", "the child connected as nobody"
