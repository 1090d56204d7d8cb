"""Files only their owner can read: 0600 files in 0700 folders, whatever the umask."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "open_private",
    "private_dir",
    "tighten",
    "write_all",
    "write_atomic",
]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it 0700; an existing folder of ours
    that others can enter is tightened. Raises OSError when it cannot be a folder."""
    path.mkdir(parents=True, exist_ok=True)
    tighten(path, FOLDER_MODE)
    return path


def tighten(path: Path, mode: int) -> None:
    """Give ``path`` ``mode`` if it is ours and allows more (best effort: a file system
    without permissions, or someone else's file, is left as it is)."""
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & ~mode:
            path.chmod(mode)


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with ``flags`` (O_CREAT is added); the file is 0600 whatever the umask
    or its mode before. Returns the descriptor."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (a short write continues; a failure raises)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (0600): written to a temporary file
    beside it, fsynced, then renamed over it. On failure the old file is untouched and
    the temporary file removed; the folder's own mode is the caller's business."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (best effort; not every system can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
