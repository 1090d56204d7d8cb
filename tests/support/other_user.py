"""Run a little socket code as another local user (``nobody``), in a forked child.

The child only makes system calls (no Qt, no logging), so forking a process that runs
Qt is safe; it reports back through a pipe made before the fork. Root only, Linux only.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["NOBODY", "OtherUser", "as_nobody", "shared_folder", "squatter"]

NOBODY = 65534


class OtherUser:
    """A forked child running as ``nobody``; ``output()`` is what it wrote to its pipe."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid = pid
        self._read = read_fd

    def has_output(self) -> bool:
        """The child wrote something (or ended): reading will not block."""
        return bool(select.select([self._read], [], [], 0)[0])

    def read_line(self, timeout_s: float) -> bytes:
        """One line the child wrote, waiting at most ``timeout_s`` (b"" on none)."""
        data = b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([self._read], [], [], timeout_s)
            if not ready:
                return data
            chunk = os.read(self._read, 1)
            if not chunk:
                return data
            data += chunk
        return data

    def finish(self, timeout_s: float = 30) -> bytes:
        """Wait for the child to end; the rest of its output."""
        rest = b""
        while True:
            ready, _, _ = select.select([self._read], [], [], timeout_s)
            chunk = os.read(self._read, 65536) if ready else b""
            if not chunk:
                break
            rest += chunk
        os.close(self._read)
        os.waitpid(self.pid, 0)
        return rest


def as_nobody(body: Callable[[int], None]) -> OtherUser:
    """Fork; the child drops to ``nobody`` and runs ``body(write_fd)``, then exits."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: system calls only, then _exit
        code = 0
        try:
            os.close(read_fd)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            body(write_fd)
        except BaseException as exc:  # reported to the parent through the pipe
            os.write(write_fd, f"child failed: {exc!r}\n".encode())
            code = 1
        os._exit(code)
    os.close(write_fd)
    return OtherUser(pid, read_fd)


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder every user may write to, like /tmp (sticky)."""
    path = Path(tempfile.mkdtemp(prefix="gd-shared-", dir="/tmp"))
    os.chmod(path, 0o1777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def squatter(path: Path, serve_s: float = 20.0, make_folder: bool = False) -> OtherUser:
    """``nobody`` listens on ``path`` (open to all), accepts whoever comes and reports
    each connection's bytes as ``got <hex>`` lines; says ``ready`` first. Ends after
    ``serve_s`` without a new connection. ``make_folder``: nobody makes its folder first."""

    def body(out: int) -> None:
        if make_folder:
            path.parent.mkdir()
            os.chmod(path.parent, 0o777)
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        os.chmod(path, 0o777)
        server.listen(8)
        server.settimeout(serve_s)
        os.write(out, b"ready\n")
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                return
            conn.settimeout(2)
            data = b""
            try:
                while chunk := conn.recv(4096):
                    data += chunk
            except TimeoutError:
                pass
            conn.close()
            os.write(out, b"got " + data.hex().encode() + b"\n")

    return as_nobody(body)
