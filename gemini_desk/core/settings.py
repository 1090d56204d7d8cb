"""Settings schema, validation and a JSON file store (atomic writes)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger("gemini_desk.settings")

DEFAULT_MODEL = "gemini-2.5-flash-native-audio-preview-09-2025"
KNOWN_MODELS: tuple[str, ...] = (
    DEFAULT_MODEL,
    "gemini-live-2.5-flash-preview",
    "gemini-2.0-flash-live-001",
)
VOICES: tuple[str, ...] = ("Puck", "Charon", "Kore", "Fenrir", "Aoede", "Leda", "Orus", "Zephyr")
DEFAULT_SYSTEM_INSTRUCTION = (
    "You are a helpful voice assistant on the user's desktop. Keep answers short and spoken."
)


@dataclass(slots=True)
class Settings:
    """Everything the user can choose; persisted between runs. Never holds the API key."""

    model: str = DEFAULT_MODEL
    voice: str = VOICES[0]
    system_instruction: str = DEFAULT_SYSTEM_INSTRUCTION
    input_device: str = ""  # "" follows the system default
    output_device: str = ""
    demo_chosen: bool = False  # the user picked "try the demo" on first run
    window_geometry: str = ""  # opaque, base64 from Qt
    window_state: str = ""
    # Carry the session across connections (goAway, drops) with resumption handles.
    session_resumption: bool = True
    # Sliding-window context compression: long audio/video sessions do not end.
    context_compression: bool = True
    compression_trigger_tokens: int = 0  # 0: the service's default
    extra: dict[str, Any] = field(default_factory=dict)

    def validated(self) -> Settings:
        """A copy with unusable values replaced by defaults."""
        clean = dataclasses.replace(self)
        if not clean.model.strip():
            clean.model = DEFAULT_MODEL
        clean.model = clean.model.strip().removeprefix("models/")
        if clean.voice not in VOICES:
            clean.voice = VOICES[0]
        if clean.compression_trigger_tokens < 0:
            clean.compression_trigger_tokens = 0
        return clean

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from stored data, ignoring unknown keys and wrongly typed values."""
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if isinstance(value, type(getattr(defaults, f.name))):
                values[f.name] = value
            else:
                log.warning("ignoring setting %s of type %s", f.name, type(value).__name__)
        return cls(**values).validated()


class SettingsStore:
    """Loads and saves :class:`Settings` as JSON at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Settings:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", self.path, exc)
            return Settings()
        if not isinstance(raw, dict):
            return Settings()
        return Settings.from_dict(raw)

    def save(self, settings: Settings) -> None:
        """Write atomically so a crash never leaves a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(settings.to_dict(), fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
