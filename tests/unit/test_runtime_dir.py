"""The private folder of the command socket: the user's runtime folder, never a shared one."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from gemini_desk.platform.runtime_dir import private_runtime_dir

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix folders")
NOBODY = 65534


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _private(path: Path) -> Path:
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)
    return path


def test_the_runtime_folder_of_the_session_is_used(tmp_path: Path) -> None:
    xdg = _private(tmp_path / "xdg")
    folder = private_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, tmp_root=tmp_path / "tmp")
    assert folder == xdg / "gemini-desk"
    assert folder.is_dir() and _mode(folder) == 0o700
    assert os.lstat(folder).st_uid == os.geteuid()


def test_a_runtime_folder_others_can_enter_is_not_trusted(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    os.chmod(xdg, 0o777)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    folder = private_runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, tmp_root=tmp)
    assert folder == tmp / f"gemini-desk-{os.geteuid()}", "a 0700 folder of our own instead"
    assert _mode(folder) == 0o700
    relative = private_runtime_dir({"XDG_RUNTIME_DIR": "run/user"}, tmp_root=tmp)
    assert relative == folder, "a relative XDG_RUNTIME_DIR is ignored"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder of another user needs root")
def test_a_folder_another_user_made_first_is_not_used(tmp_path: Path) -> None:
    """Another user who creates /tmp/gemini-desk-<our uid> first cannot capture the socket."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    os.chmod(tmp, 0o1777)
    squatted = tmp / f"gemini-desk-{os.geteuid()}"
    squatted.mkdir(mode=0o700)
    os.chown(squatted, NOBODY, NOBODY)
    fallback = _private(tmp_path / "data")
    folder = private_runtime_dir({}, tmp_root=tmp, fallback=fallback)
    assert folder == fallback / "run", "neither the squatted folder nor nothing"
    assert os.lstat(squatted).st_uid == NOBODY, "the other user's folder is left alone"


def test_a_symlink_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    elsewhere = _private(tmp_path / "elsewhere")
    (tmp / f"gemini-desk-{os.geteuid()}").symlink_to(elsewhere)
    assert private_runtime_dir({}, tmp_root=tmp) is None


def test_a_folder_we_own_with_loose_permissions_is_tightened(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    loose = tmp / f"gemini-desk-{os.geteuid()}"
    loose.mkdir()
    os.chmod(loose, 0o755)
    assert private_runtime_dir({}, tmp_root=tmp) == loose
    assert _mode(loose) == 0o700


def test_a_folder_too_deep_for_a_socket_path_is_skipped(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    os.chmod(deep, 0o700)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    folder = private_runtime_dir({"XDG_RUNTIME_DIR": str(deep)}, tmp_root=tmp)
    assert folder == tmp / f"gemini-desk-{os.geteuid()}"
