"""A folder only this user can enter, for the command socket (never a shared, guessable path).

First the session's runtime folder (``$XDG_RUNTIME_DIR``, when it is absolute, ours and
closed to others), then ``<tmp>/gemini-desk-<uid>``, then a ``run`` folder under
``fallback`` (the app's data folder). A candidate is used only if it is a real folder
(not a link), owned by this user and 0700; one another user made first is skipped, so
nobody else can hold or watch the socket. Unix only: elsewhere there is no such folder.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["MAX_SOCKET_PATH", "private_runtime_dir"]

log = logging.getLogger("gemini_desk.ipc")

APP = "gemini-desk"
# sockaddr_un.sun_path holds 108 bytes on Linux and 104 on macOS, the final NUL included;
# leave room for the socket's own name (``ipc-`` + 16 hex digits).
MAX_SOCKET_PATH = 103
SOCKET_NAME_ROOM = 21


def private_runtime_dir(
    env: Mapping[str, str] | None = None,
    tmp_root: Path | None = None,
    fallback: Path | None = None,
) -> Path | None:
    """The first usable private folder (made 0700 if missing), or None where none is."""
    if not hasattr(os, "geteuid"):
        return None
    env = os.environ if env is None else env
    uid = os.geteuid()
    candidates: list[Path] = []
    xdg = env.get("XDG_RUNTIME_DIR", "")
    if xdg and os.path.isabs(xdg) and _is_private(Path(xdg), follow=True):
        candidates.append(Path(xdg) / APP)
    candidates.append((tmp_root or Path(tempfile.gettempdir())) / f"{APP}-{uid}")
    if fallback is not None:
        candidates.append(fallback / "run")
    for folder in candidates:
        if len(os.fsencode(folder)) + SOCKET_NAME_ROOM > MAX_SOCKET_PATH:
            continue
        if _make_private(folder):
            return folder
    return None


def _is_private(path: Path, follow: bool = False) -> bool:
    """A folder of this user that nobody else can enter."""
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.geteuid()
        and stat.S_IMODE(st.st_mode) & 0o077 == 0
    )


def _make_private(folder: Path) -> bool:
    """Make ``folder`` (0700), or accept it if it is already ours; tighten our own loose one."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        log.info("cannot use %s for the command socket: %s", folder, exc)
        return False
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        log.info("not using %s for the command socket: not a folder of this user", folder)
        return False
    if stat.S_IMODE(st.st_mode) & 0o077:
        try:
            os.chmod(folder, 0o700, follow_symlinks=False)
        except (OSError, NotImplementedError):
            return False
    return _is_private(folder)
