"""Where gemini-desk keeps its settings, conversations and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from gemini_desk.core.private_files import private_dir

APP_NAME = "gemini-desk"


@dataclass(frozen=True, slots=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def conversations_dir(self) -> Path:
        return self.data_dir / "conversations"

    @property
    def history_index(self) -> Path:
        """The full-text index of the conversations (a cache of the JSON Lines files)."""
        return self.data_dir / "history.sqlite3"

    def make_private(self) -> None:
        """Create the app's folders (and the conversations folder) 0700, and tighten any
        that others can enter. Raises OSError when one cannot be a folder."""
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.conversations_dir):
            private_dir(folder)

    @classmethod
    def from_env(cls) -> AppPaths:
        """The platform's user directories, or all under ``$GEMINI_DESK_HOME`` if set."""
        home = os.environ.get("GEMINI_DESK_HOME")
        if home:
            root = Path(home)
            return cls(root / "config", root / "data", root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )
