"""Settings schema, validation and a JSON file store (atomic, private writes; a damaged
file is kept aside and what can still be read of it is kept)."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from gemini_desk.core import safe_json
from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.models import DEFAULT_MODEL, LANGUAGES, THINKING_LEVELS, VOICES, normalise_id
from gemini_desk.core.private_files import private_dir, write_atomic
from gemini_desk.core.settings_salvage import salvage

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
    # False: the default instruction, worded in the UI's language at each start
    # (ui/instruction.py); True: the user's own, kept as typed.
    custom_instruction: bool = False
    # "" = off; "low" / "medium" / "high" for the models that accept a thinking level.
    thinking_level: str = ""
    language_code: str = ""  # spoken language (BCP-47); "" lets the model choose
    input_device: str = ""  # "" follows the system default
    output_device: str = ""
    # What the chosen devices are called (a sound server's description by its id), so
    # one that is unplugged now is still shown by its name.
    device_names: dict[str, str] = field(default_factory=dict)
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
    # Soft tones when talking starts or stops and on mute/unmute (issue 21).
    sound_cues: bool = True
    # Screen / camera sharing (issue 6).
    share_fps: float = 1.0  # frames grabbed per second (sent only when changed)
    share_keepalive_s: float = 5.0  # send at least this often while nothing changes
    share_max_side: int = 1024  # long side of sent frames (default mode)
    share_sharp_text: bool = False  # send at native size (capped) for small text
    share_jpeg_quality: int = 80
    share_last_region: str = ""  # "X,Y,W,H" in logical pixels
    share_camera: str = ""  # camera id (hex) last chosen
    # Wayland: the ScreenCast portal's token that restores the monitor last chosen for a
    # region (no picker next time); single use, replaced at each share. Never logged.
    share_restore_token: str = ""
    # Voice processing (issue 8): echo cancellation is on unless the user wears headphones.
    headphones: bool = False
    noise_suppression: bool = False
    auto_gain_control: bool = False
    # Desktop integration (issue 9): UI language ("" follows the system; applies at start),
    # and whether the "still running in the tray" note was shown once.
    language: str = ""
    tray_notice_shown: bool = False
    # Wayland without global keys (issue 20): what the user was last told, so it is said
    # once per situation ("missing", or "refused:" and the keys asked; "" nothing).
    shortcuts_portal_told: str = ""
    # Mini mode (issue 21): where the pill was left ("X,Y", global logical pixels).
    mini_position: str = ""
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
        chosen = (clean.input_device, clean.output_device)
        clean.device_names = {
            str(ident): str(name)
            for ident, name in clean.device_names.items()
            if ident in chosen and ident and isinstance(name, str) and name
        }
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
        if "custom_instruction" not in data and isinstance(data.get("system_instruction"), str):
            # Stored before the default was translated: an instruction other than the
            # English default was typed by the user.
            typed = data["system_instruction"].strip() != DEFAULT_SYSTEM_INSTRUCTION.strip()
            data = {**data, "custom_instruction": typed}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if isinstance(value, type(getattr(defaults, f.name))):
                values[f.name] = value
            else:
                log.warning("ignoring setting %s of type %s", f.name, type(value).__name__)
        return cls(**values).validated()


MAX_FILE_BYTES = 4 * 1024 * 1024  # a settings file is a few kB; more is damage


class SettingsStore:
    """Loads and saves :class:`Settings` as JSON at ``path`` (0600 in a 0700 folder).

    A file that is not a JSON object (torn, garbled, nested absurdly deep) is renamed
    ``settings.json.bad-<time>``, every value that can still be read from it is kept,
    and those settings are written back at once; :attr:`notice` then holds the message
    to show the user, once (the next run finds a good file).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notice: Message | None = None

    def load(self) -> Settings:
        self.notice = None
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return Settings()
        except OSError as exc:  # left as it is: saving will fail, and say so
            log.warning("settings file %s unreadable (%s); using defaults", self.path, exc)
            return Settings()
        try:
            if len(data) > MAX_FILE_BYTES:
                raise ValueError("far too large")
            raw = safe_json.loads(data.decode("utf-8"))
            if not isinstance(raw, dict):
                raise ValueError(f"holds a {type(raw).__name__}, not an object")
        except ValueError as exc:
            return self._recover(data, exc)
        return Settings.from_dict(raw)

    def save(self, settings: Settings) -> None:
        """Write atomically so a crash never leaves a half-written file. Raises OSError."""
        data = json.dumps(settings.to_dict(), indent=2, sort_keys=True).encode("utf-8")
        private_dir(self.path.parent)
        write_atomic(self.path, data)

    def _recover(self, data: bytes, why: ValueError) -> Settings:
        """Keep the damaged file aside, keep what it still says, and write that back."""
        kept = self._keep_aside()
        settings = Settings.from_dict(salvage(data[:MAX_FILE_BYTES].decode("utf-8", "replace")))
        log.warning(
            "settings file %s is damaged (%s); kept as %s",
            self.path,
            str(why)[:200],
            kept.name if kept else "nothing (it could not be renamed)",
        )
        if kept is not None:
            self.notice = message(MessageId.SETTINGS_DAMAGED, kept.name)
            try:
                self.save(settings)
            except OSError as exc:
                log.warning("could not write the recovered settings: %r", exc)
        return settings

    def _keep_aside(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(1, 100):
            suffix = stamp if n == 1 else f"{stamp}-{n}"
            kept = self.path.with_name(f"{self.path.name}.bad-{suffix}")
            if kept.exists():
                continue
            try:
                self.path.rename(kept)
            except OSError as exc:
                log.warning("could not keep the damaged settings file: %r", exc)
                return None
            return kept
        return None
