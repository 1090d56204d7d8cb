"""This project's Python, runnable by another (unprivileged) local user.

The Wayland rig runs the app as its own user (sway refuses root), but CI clones the
project wherever it likes, often under /root (0700), and the project's .venv points at
an interpreter under /root/.pyenv. :func:`python_for` finds out what that user can
reach, by the permission bits of every folder on the way and every file in the tree:

* the interpreter: the test's own when the user can reach it, else the system's
  ``python3.X`` of the same version (``-s``, with the packages on ``PYTHONPATH``);
* the project (``gemini_desk``, ``tests``, ``resources``) and each ``site-packages`` of
  the test's interpreter: used in place when readable; else a *view* holds them, a
  folder ``root:<user's group>`` 0750 in the temp dir with the trees hard-linked into it
  (``cp -al``: a few hundred ms for a 1 GB venv; a copy where the temp dir is on another
  file system, or for the odd file the user may not read, since a hard link shares its
  file's mode). The user cannot write to any of it; :meth:`UserPython.remove` deletes it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PROJECT_PARTS", "ROOT", "UserPython", "build_view", "python_for", "unreadable"]

ROOT = Path(__file__).resolve().parents[2]
# What the app and the test helpers run as that user need of the checkout.
PROJECT_PARTS = ("gemini_desk", "tests", "resources")
PROBE = "import PySide6.QtWidgets, gemini_desk, tests.support.pattern_window"


@dataclass
class UserPython:
    """How ``user`` runs this project's Python: ``[*prefix, "-m", ...]`` with ``env`` on
    top of the caller's, from ``project`` (the checkout as the user sees it)."""

    prefix: list[str]
    env: dict[str, str]
    project: Path
    view: Path | None = None  # the folder made for the user, None when none was needed
    how: str = "in place"  # "in place", "hard links", "copy" or "hard links and copies"
    seconds: float = 0.0  # what building the view took
    in_view: list[str] = field(default_factory=list)  # what had to go into the view

    def remove(self) -> None:
        if self.view is not None:
            shutil.rmtree(self.view, ignore_errors=True)
            self.view = None

    def describe(self) -> str:
        if not self.in_view:
            return "the project and its packages in place"
        what = ", ".join(self.in_view)
        return f"a view ({self.how}, {self.seconds:.2f} s) of {what}"


def _may(st: os.stat_result, user: pwd.struct_passwd, want: int) -> bool:
    """The permission bits give ``user`` (its primary group only) ``want`` (r=4, x=1)."""
    if user.pw_uid == 0:
        return True
    if st.st_uid == user.pw_uid:
        bits = st.st_mode >> 6
    elif st.st_gid == user.pw_gid:
        bits = st.st_mode >> 3
    else:
        bits = st.st_mode
    return bits & want == want


def _reachable(path: Path, user: pwd.struct_passwd) -> bool:
    """Every folder above ``path`` (symlinks resolved) lets ``user`` through."""
    real = path.resolve()
    return all(_may(os.stat(p), user, 1) for p in real.parents)


def unreadable(path: Path, user: pwd.struct_passwd, limit: int = 1) -> list[Path]:
    """What under ``path`` ``user`` cannot read (up to ``limit``; [] when all of it is
    readable): the folders on the way, folders without r+x, files without r."""
    if not _reachable(path, user):
        return [path]
    found: list[Path] = []
    for top, dirs, files in os.walk(path.resolve()):
        for name, want in [(".", 5), *((d, 5) for d in dirs), *((f, 4) for f in files)]:
            entry = Path(top, name)
            st = os.lstat(entry)
            if stat.S_ISLNK(st.st_mode):
                continue  # a link's own mode means nothing; its target is walked if inside
            if not _may(st, user, want):
                found.append(entry)
                if len(found) >= limit:
                    return found
    return found


def build_view(
    parts: dict[str, Path], user: pwd.struct_passwd, where: Path | None = None
) -> tuple[Path, str]:
    """A fresh folder (in ``where``, else the temp dir) holding ``parts`` (name in the
    view -> tree) readable by ``user``; returns it and how it was made. Hard links where
    possible (same file system, the user may read the file), copies otherwise."""
    view = Path(tempfile.mkdtemp(prefix="gd-view-", dir=where))
    try:
        os.chown(view, 0, user.pw_gid)
        os.chmod(view, 0o750)
        kinds = {_place(src, view / name, user) for name, src in parts.items()}
    except BaseException:
        shutil.rmtree(view, ignore_errors=True)
        raise
    how = " and ".join(sorted(kinds)) if len(kinds) > 1 else kinds.pop()
    return view, how


def _place(src: Path, dst: Path, user: pwd.struct_passwd) -> str:
    """``src`` at ``dst``, hard-linked or copied; files the user could not read are
    replaced by readable copies (a link shares the original's mode)."""
    src = src.resolve()
    same_fs = os.stat(src).st_dev == os.stat(dst.parent).st_dev
    if (
        same_fs
        and subprocess.run(["cp", "-al", str(src), str(dst)], capture_output=True).returncode == 0
    ):
        how = "hard links"
    else:
        shutil.rmtree(dst, ignore_errors=True)
        subprocess.run(["cp", "-a", str(src), str(dst)], check=True, capture_output=True)
        how = "copy"
    copied = False
    for top, _dirs, files in os.walk(dst):
        os.chmod(top, os.stat(top).st_mode | 0o055)  # our own new folders
        for name in files:
            path = Path(top, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode) or _may(st, user, 4):
                continue
            if how == "hard links":  # the inode is the original's: copy, then open it up
                path.unlink()
                shutil.copy2(src / path.relative_to(dst), path)
                copied = True
            os.chmod(path, os.stat(path).st_mode | 0o044)
    return "hard links and copies" if copied else how


def _sites() -> list[Path]:
    """The test interpreter's package folders, in ``sys.path`` order."""
    seen: list[Path] = []
    for entry in sys.path:
        path = Path(entry)
        if entry.endswith("site-packages") and path.is_dir() and path not in seen:
            seen.append(path)
    return seen


def _interpreter(user: pwd.struct_passwd) -> list[str] | None:
    """A Python of this version that ``user`` can run: ours, else the system's."""
    major, minor = sys.version_info[:2]
    ours = Path(sys.executable)
    candidates: Iterable[Path] = (ours, Path(f"/usr/bin/python{major}.{minor}"))
    for candidate in candidates:
        if not candidate.exists():
            continue
        real = candidate.resolve()
        if _reachable(real, user) and _may(os.stat(real), user, 5):
            return [str(candidate), "-s"]
    return None


def python_for(user: pwd.struct_passwd) -> UserPython | str:
    """How ``user`` runs this project's Python (see the module), or why it cannot."""
    prefix = _interpreter(user)
    if prefix is None:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        return f"no Python {version} that {user.pw_name} may run"
    parts = {name: ROOT / name for name in PROJECT_PARTS if (ROOT / name).exists()}
    sites = {f"site-packages-{i}": site for i, site in enumerate(_sites())}
    to_view = {n: p for n, p in parts.items() if unreadable(p, user)}
    if to_view:
        to_view = dict(parts)  # the project moves as a whole: one folder on sys.path
    to_view |= {n: p for n, p in sites.items() if unreadable(p, user)}
    started = time.monotonic()
    view, how = build_view(to_view, user) if to_view else (None, "in place")
    seconds = time.monotonic() - started
    project = view if view is not None and "gemini_desk" in to_view else ROOT
    paths = [
        project,
        *(view / n if view is not None and n in to_view else p for n, p in sites.items()),
    ]
    result = UserPython(
        prefix,
        {"PYTHONPATH": os.pathsep.join(map(str, paths))},
        project,
        view,
        how,
        seconds,
        [str(p) for p in to_view.values()],
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **result.env}
    done = subprocess.run(
        [*prefix, "-c", PROBE],
        env=env,
        cwd=project,
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        result.remove()
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        return f"{user.pw_name} cannot import this project with {prefix[0]}: {tail[0]}"
    return result
