"""The Wayland rig's view of the project for its unprivileged user (tests/support/user_view),
checked by running as that user: what it can read before and after, and that the
originals are untouched."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import pytest

from tests.support.sway import ensure_user, user_python
from tests.support.user_view import build_view, python_for, unreadable

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (runs as another user)")


def as_user(user: pwd.struct_passwd, *cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd),
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=30,
    )


def private_tree(tmp_path: Path) -> Path:
    """A package in a 0700 folder (as a clone under /root is), one file 0600."""
    top = tmp_path / "private"
    (top / "pkg" / "sub").mkdir(parents=True)
    (top / "pkg" / "__init__.py").write_text("VALUE = 42\n")
    (top / "pkg" / "sub" / "data.txt").write_text("hello\n")
    (top / "pkg" / "secret.txt").write_text("only root\n")
    os.chmod(top / "pkg" / "secret.txt", 0o600)
    os.chmod(top, 0o700)
    return top


def test_a_view_gives_the_user_what_it_could_not_read_and_leaves_the_original(
    tmp_path: Path,
) -> None:
    user = ensure_user()
    top = private_tree(tmp_path)
    source = top / "pkg"
    assert unreadable(source, user) == [source], "a 0700 folder on the way"
    assert as_user(user, "cat", str(source / "sub" / "data.txt")).returncode != 0
    view, how = build_view({"pkg": source}, user)
    try:
        assert how == "hard links and copies"  # /tmp and tmp_path: one file system here
        assert (view.stat().st_mode & 0o777, view.stat().st_gid) == (0o750, user.pw_gid)
        assert unreadable(view / "pkg", user, limit=10) == []
        done = as_user(user, "cat", str(view / "pkg" / "sub" / "data.txt"))
        assert done.stdout == "hello\n"
        assert as_user(user, "cat", str(view / "pkg" / "secret.txt")).stdout == "only root\n"
        linked = (view / "pkg" / "sub" / "data.txt").stat()
        assert linked.st_ino == (source / "sub" / "data.txt").stat().st_ino, "a hard link"
        copied = (view / "pkg" / "secret.txt").stat()
        assert copied.st_ino != (source / "secret.txt").stat().st_ino
        assert (source / "secret.txt").stat().st_mode & 0o777 == 0o600, "the original kept"
        assert top.stat().st_mode & 0o777 == 0o700
        write = as_user(user, "sh", "-c", f"echo x >> {view / 'pkg' / 'sub' / 'data.txt'}")
        assert write.returncode != 0 and (source / "sub" / "data.txt").read_text() == "hello\n"
        made = as_user(user, "touch", str(view / "pkg" / "new"))
        assert made.returncode != 0, "the user cannot add to the view"
    finally:
        subprocess.run(["rm", "-rf", str(view)], check=True)


def test_the_user_imports_this_project_from_where_it_can_read() -> None:
    """Whatever this checkout's place: in place where readable, else through a view;
    the same answer all run long (made once)."""
    user = ensure_user()
    found = user_python(user)
    assert user_python(user) is found
    assert unreadable(found.project / "gemini_desk", user) == []
    for path in found.env["PYTHONPATH"].split(os.pathsep):
        assert unreadable(Path(path), user) == [], path
    env = {"PATH": "/usr/bin:/bin", **found.env}
    done = subprocess.run(
        [*found.prefix, "-c", "import gemini_desk, PySide6; print(gemini_desk.__file__)"],
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        env=env,
        cwd=found.project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(found.project / "gemini_desk" / "__init__.py")


def test_a_view_is_only_made_for_what_needs_it() -> None:
    """From a readable place the project is used in place (no view, no cost)."""
    user = ensure_user()
    found = python_for(user)
    assert not isinstance(found, str), found
    try:
        root_readable = not unreadable(Path(__file__).resolve().parents[2] / "gemini_desk", user)
        assert (found.project == Path(__file__).resolve().parents[2]) == root_readable
        assert (found.view is None) == (not found.in_view)
    finally:
        found.remove()
    assert found.view is None


def test_on_another_file_system_the_view_is_a_copy(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system (/dev/shm) here")
    user = ensure_user()
    source = private_tree(tmp_path) / "pkg"
    view, how = build_view({"pkg": source}, user, where=shm)
    try:
        assert how == "copy"
        assert unreadable(view / "pkg", user, limit=10) == []
        assert as_user(user, "cat", str(view / "pkg" / "secret.txt")).stdout == "only root\n"
        assert (source / "secret.txt").stat().st_mode & 0o777 == 0o600
    finally:
        subprocess.run(["rm", "-rf", str(view)], check=True)
