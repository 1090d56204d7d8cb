"""Issue 18, finding 8: conversations, logs, settings and exports are 0600 in 0700
folders whatever the umask, existing ones are tightened, and exports are atomic."""

from __future__ import annotations

import logging
import logging.handlers
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from gemini_desk.core.export import write_export
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.platform.logs import setup_logging
from gemini_desk.platform.paths import AppPaths


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: nothing may rely on it."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_a_conversation_is_private_and_its_existing_folder_is_tightened(
    tmp_path: Path, open_umask: None
) -> None:
    folder = tmp_path / "conversations"
    folder.mkdir(mode=0o777)
    store = TranscriptStore(folder, started_at=0)
    store.path.write_text("")
    store.path.chmod(0o666)  # left by an older version
    store.append(Turn(id=1, role=Role.USER, text="private", finished=True))
    assert (_mode(folder), _mode(store.path)) == (0o700, 0o600)
    fresh = TranscriptStore(tmp_path / "new" / "conversations", started_at=0)
    fresh.append(Turn(id=1, role=Role.USER, text="private", finished=True))
    assert (_mode(fresh.directory), _mode(fresh.path)) == (0o700, 0o600)


def test_logs_are_private(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o777)
    old = folder / "gemini-desk.log.1"
    old.write_text("an old rotated log\n")
    old.chmod(0o644)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        log_file = setup_logging(folder, "INFO")
        logging.getLogger("gemini_desk.test").info("hello")
        assert (_mode(folder), _mode(log_file), _mode(old)) == (0o700, 0o600, 0o600)
        for handler in root.handlers:
            if isinstance(handler, logging.handlers.RotatingFileHandler):
                handler.doRollover()
        assert {_mode(p) for p in folder.iterdir()} == {0o600}
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()


def test_settings_and_app_folders_are_private(tmp_path: Path, open_umask: None) -> None:
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "logs")
    paths.data_dir.mkdir(mode=0o777)
    paths.make_private()
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir, paths.conversations_dir):
        assert _mode(folder) == 0o700, folder
    SettingsStore(paths.settings_file).save(Settings())
    assert _mode(paths.settings_file) == 0o600


def test_an_export_is_private_and_atomic(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "chat.md"
    target.write_text("the previous export")
    target.chmod(0o644)
    write_export(target, "# new\n")
    assert target.read_text() == "# new\n" and _mode(target) == 0o600

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError):
        write_export(target, "# never\n")
    monkeypatch.undo()
    assert target.read_text() == "# new\n", "a failed export damaged the file"
    assert [p.name for p in tmp_path.iterdir()] == ["chat.md"], "a temp file was left"
