"""Live models: the built-in fallback list, per-model capabilities, voices and languages.

This is the only place in the client that names model ids. The list the app shows
comes from the service (``models.list``, kept in a cache); this fallback is used only
when listing fails. Facts as of December 2026 (Google's model pages for Gemini 3.8
Live, its migration notes and the deprecations page; google-genai 3.6 types).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_MODEL = "gemini-3.8-live"
LIVE_ACTION = "bidiGenerateContent"  # what models.list reports for a Live model
THINKING_LEVELS: tuple[str, ...] = ("low", "medium", "high")  # "" = off (not sent)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a model accepts in its connect config; the config is built from this.

    The defaults are the conservative case (a model the table does not know): no
    thinking level, blocking tools only, no Google Search, proactive audio and affective
    dialog never sent.
    """

    thinking_levels: tuple[str, ...] = ()
    non_blocking_tools: bool = False  # function calls may be NON_BLOCKING (with scheduling)
    non_blocking_default: bool = False  # ...and are so unless a declaration says BLOCKING
    proactive_audio: str = "never"  # "always" (built in, never send false) | "optional" | "never"
    affective_dialog: bool = False  # enable_affective_dialog may be sent
    google_search: bool = False  # the Google Search tool may be declared


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One Live model as the app lists it."""

    id: str
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.id


_GEMINI_38 = Capabilities(
    non_blocking_tools=True, non_blocking_default=True, proactive_audio="always", google_search=True
)
_NATIVE_AUDIO_25 = Capabilities(
    non_blocking_tools=True, proactive_audio="optional", affective_dialog=True, google_search=True
)
# id -> (display name, capabilities). Newest first.
_TABLE: dict[str, tuple[str, Capabilities]] = {
    DEFAULT_MODEL: ("Gemini 3.8 Live", _GEMINI_38),
    "gemini-3.8-live-extended-thinking": (
        "Gemini 3.8 Live Extended Thinking",
        Capabilities(
            thinking_levels=THINKING_LEVELS,
            non_blocking_tools=True,
            non_blocking_default=True,
            proactive_audio="always",
            google_search=True,
        ),
    ),
    "gemini-3.1-flash-live-preview": (
        "Gemini 3.1 Flash Live Preview",
        Capabilities(thinking_levels=THINKING_LEVELS, google_search=True),
    ),
    "gemini-2.5-flash-native-audio-preview-12-2025": (
        "Gemini 2.5 Flash Native Audio (Dec 2025 preview)",
        _NATIVE_AUDIO_25,
    ),
    "gemini-2.5-flash-native-audio-latest": (
        "Gemini 2.5 Flash Native Audio (latest)",
        _NATIVE_AUDIO_25,
    ),
}
FALLBACK_MODELS: tuple[ModelInfo, ...] = tuple(
    ModelInfo(model_id, name) for model_id, (name, _) in _TABLE.items()
)

# The 30 prebuilt HD voices; Puck is the service's default.
VOICES: tuple[str, ...] = (
    "Puck", "Zephyr", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe",
    "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib",
    "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima",
    "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat",
)  # fmt: skip
# Spoken languages (BCP-47) for speech_config.language_code; "" lets the model choose.
LANGUAGES: tuple[str, ...] = (
    "ar-EG", "bn-BD", "de-DE", "en-IN", "en-US", "es-US", "fr-FR", "hi-IN", "id-ID",
    "it-IT", "ja-JP", "ko-KR", "mr-IN", "nl-NL", "pl-PL", "pt-BR", "ro-RO", "ru-RU",
    "ta-IN", "te-IN", "th-TH", "tr-TR", "uk-UA", "vi-VN",
)  # fmt: skip


def normalise_id(model: str) -> str:
    """``models/NAME`` or `` NAME `` -> ``NAME``."""
    return model.strip().removeprefix("models/")


def capabilities(model: str) -> Capabilities:
    """The table's entry for ``model``, else for the longest known id it extends
    (``gemini-3.8-live-001`` is a Gemini 3.8 Live), else the conservative default."""
    model = normalise_id(model)
    matches = [known for known in _TABLE if model == known or model.startswith(known + "-")]
    if not matches:
        return Capabilities()
    return _TABLE[max(matches, key=len)][1]


def display_name(model: str, listed: Iterable[ModelInfo] = ()) -> str:
    """A person's name for ``model``: the service's, the table's, else the id."""
    model = normalise_id(model)
    for info in listed:
        if info.id == model and info.display_name:
            return info.display_name
    entry = _TABLE.get(model)
    return entry[0] if entry else model


def live_models(listed: Iterable[tuple[str, str, Iterable[str]]]) -> list[ModelInfo]:
    """The Live models among ``(name, display name, supported actions)``, newest first."""
    seen: dict[str, ModelInfo] = {}
    for name, display, actions in listed:
        if LIVE_ACTION in set(actions):
            model_id = normalise_id(name)
            seen.setdefault(model_id, ModelInfo(model_id, display.strip()))
    return sorted(seen.values(), key=lambda m: newest_first(m.id))


_VERSION = re.compile(r"(\d+(?:\.\d+)*)")
_DATE = re.compile(r"(\d{2})-(\d{4})$")


def newest_first(model: str) -> tuple[object, ...]:
    """Sort key: higher family version first, then stable before previews, then newer
    dated previews first, then the shorter (base) id, then by name."""
    version = _VERSION.search(model)
    parts = [int(n) for n in version.group(1).split(".")] if version else []
    numbers = tuple(-n for n in [*parts, 0, 0, 0][:3])  # "3" is "3.0.0", older than "3.1"
    date = _DATE.search(model)
    dated = -(int(date.group(2)) * 100 + int(date.group(1))) if date else 0
    preview = "preview" in model or "latest" in model
    return (numbers, preview, dated, len(model), model)


def replacement_for(stored: str, available: Iterable[ModelInfo]) -> str | None:
    """The model to use instead of ``stored`` when the service no longer lists it.

    None when ``stored`` is listed (nothing to do) or nothing is listed at all. The
    default is preferred; else the newest listed model.
    """
    models = list(available)
    ids = [m.id for m in models]
    if not ids or normalise_id(stored) in ids:
        return None
    if DEFAULT_MODEL in ids:
        return DEFAULT_MODEL
    return sorted(ids, key=newest_first)[0]
