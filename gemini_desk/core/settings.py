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

from gemini_desk.core.models import DEFAULT_MODEL, LANGUAGES, THINKING_LEVELS, VOICES, normalise_id

log = logging.getLogger("gemini_desk.settings")

TALK_MODES: tuple[str, ...] = ("hands_free", "push_to_talk")
PTT_BEHAVIOURS: tuple[str, ...] = ("hold", "toggle")
TOOL_POLICIES: tuple[str, ...] = ("allow", "ask", "never")
DEFAULT_SYSTEM_INSTRUCTION = (
    "You are a helpful voice assistant on the user's desktop. Keep answers short and spoken."
)


@dataclass(slots=True)
class Settings:
    """Everything the user can choose; persisted between runs. Never holds the API key."""

    model: str = DEFAULT_MODEL
    voice: str = VOICES[0]
    system_instruction: str = DEFAULT_SYSTEM_INSTRUCTION
    # "" = off; "low" / "medium" / "high" for the models that accept a thinking level.
    thinking_level: str = ""
    language_code: str = ""  # spoken language (BCP-47); "" lets the model choose
    input_device: str = ""  # "" follows the system default
    output_device: str = ""
    demo_chosen: bool = False  # the user picked "try the demo" on first run
    window_geometry: str = ""  # opaque, base64 from Qt
    # Carry the session across connections (goAway, drops) with resumption handles.
    session_resumption: bool = True
    # Sliding-window context compression: long audio/video sessions do not end.
    context_compression: bool = True
    compression_trigger_tokens: int = 0  # 0: the service's default
    # Push-to-talk (issue 5): "hands_free" (server voice detection) or "push_to_talk".
    talk_mode: str = "hands_free"
    ptt_behaviour: str = "hold"  # "hold" or "toggle"
    ptt_hotkey: str = "ctrl+alt+space"
    mute_hotkey: str = "ctrl+alt+m"
    ptt_max_hold_s: int = 120  # activityEnd is sent after this long even if the key sticks
    preroll_ms: int = 300  # microphone audio from just before the key went down
    # Screen / camera sharing (issue 6).
    share_fps: float = 1.0  # frames grabbed per second (sent only when changed)
    share_keepalive_s: float = 5.0  # send at least this often while nothing changes
    share_max_side: int = 1024  # long side of sent frames (default mode)
    share_sharp_text: bool = False  # send at native size (capped) for small text
    share_jpeg_quality: int = 80
    share_last_region: str = ""  # "X,Y,W,H" in logical pixels
    share_camera: str = ""  # camera id (hex) last chosen
    # Voice processing (issue 8): echo cancellation is on unless the user wears headphones.
    headphones: bool = False
    noise_suppression: bool = False
    auto_gain_control: bool = False
    # Desktop integration (issue 9): UI language ("" follows the system; applies at start),
    # and whether the "still running in the tray" note was shown once.
    language: str = ""
    tray_notice_shown: bool = False
    # Tools (issue 17): Google Search where the model has it, and each tool's policy by
    # its declared name ("allow", "ask" or "never"; a tool not named keeps its default).
    google_search: bool = True
    tool_policies: dict[str, str] = field(default_factory=dict)

    def validated(self) -> Settings:
        """A copy with unusable values replaced by defaults."""
        clean = dataclasses.replace(self)
        clean.model = normalise_id(clean.model) or DEFAULT_MODEL
        if clean.voice not in VOICES:
            clean.voice = VOICES[0]
        if clean.thinking_level not in THINKING_LEVELS:
            clean.thinking_level = ""
        if clean.language_code not in LANGUAGES:
            clean.language_code = ""
        if clean.talk_mode not in TALK_MODES:
            clean.talk_mode = TALK_MODES[0]
        if clean.ptt_behaviour not in PTT_BEHAVIOURS:
            clean.ptt_behaviour = PTT_BEHAVIOURS[0]
        clean.ptt_max_hold_s = min(3600, max(5, clean.ptt_max_hold_s))
        clean.preroll_ms = min(1000, max(0, clean.preroll_ms))
        if clean.compression_trigger_tokens < 0:
            clean.compression_trigger_tokens = 0
        clean.share_fps = min(10.0, max(0.1, clean.share_fps))
        clean.share_keepalive_s = min(60.0, max(0.5, clean.share_keepalive_s))
        clean.share_max_side = min(4096, max(256, clean.share_max_side))
        clean.share_jpeg_quality = min(95, max(30, clean.share_jpeg_quality))
        clean.tool_policies = {
            str(name): policy
            for name, policy in clean.tool_policies.items()
            if policy in TOOL_POLICIES
        }
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
