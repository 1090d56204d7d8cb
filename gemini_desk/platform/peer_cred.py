"""Who is at the other end of a local socket: the same user, or someone else (Linux).

Both ends of the command socket ask before trusting the other: the app answers only
its own user, and a launch hands its actions only to an app of its own user. Linux
tells (``SO_PEERCRED``); elsewhere Qt's access rules for the socket stand alone.
"""

from __future__ import annotations

import os
import socket
import struct
import sys

__all__ = ["CHECKED", "is_same_user", "peer_uid"]

# True where the peer's user is checked (Linux); elsewhere every peer counts as ours.
CHECKED = sys.platform.startswith("linux") and hasattr(socket, "SO_PEERCRED")
_UCRED = struct.Struct("3i")  # pid, uid, gid


def peer_uid(fd: int) -> int | None:
    """The effective user id of the process that made the other end of socket ``fd``
    (when it connected); None when it cannot be told."""
    if not CHECKED or fd < 0:
        return None
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:  # a duplicate: Qt keeps its own fd
            raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size)
    except OSError:
        return None
    _pid, uid, _gid = _UCRED.unpack(raw)
    return int(uid)


def is_same_user(fd: int) -> bool:
    """The peer on ``fd`` is this user (always True where it cannot be checked)."""
    if not CHECKED:
        return True
    return peer_uid(fd) == os.geteuid()
