"""The sim's model catalogue: which models exist, where, and what each accepts in setup.

Facts followed (as of December 2026; where the service and google-genai's types
disagree with this table, the table is wrong):

* Google's model pages for ``gemini-3.8-live`` (stable since 15 Sept 2026, the
  recommended Live model) and ``gemini-3.8-live-extended-thinking``: no
  ``thinking_level`` on the former, LOW/MEDIUM/HIGH on the latter; function calls
  non-blocking by default (``behavior: BLOCKING`` still allowed, responses scheduled
  SILENT/WHEN_IDLE/INTERRUPT); proactive audio always on (``proactive_audio: false``
  is an error); affective dialog removed (``enable_affective_dialog`` is an error);
  ``interactionStatus`` sent alongside every ``turnComplete``.
* The Live API migration notes: ``gemini-3.1-flash-live-preview`` is the legacy
  preview: blocking function calls only, no proactive audio, no affective dialog,
  ``thinking_level`` MINIMAL/LOW/MEDIUM/HIGH.
* The deprecations page and changelog of 9 Dec 2025: ``gemini-2.0-flash-live-001``
  and ``gemini-live-2.5-flash-preview`` were shut down; the 09-2025 native-audio
  preview is deprecated (treated here as no longer served). The 12-2025 native-audio
  preview and its ``-latest`` alias (v1beta only) take ``thinking_budget``, optional
  proactive audio and affective dialog.
* google-genai 3.6.1 (``types.py``, ``models.py``): ``models.list`` is ``GET
  /{version}/models?pageSize=N&pageToken=T`` (``x-goog-api-key`` header; 50 a page by
  default, ``nextPageToken`` left out on the last page); ``Model.supported_actions`` is
  ``supportedGenerationMethods`` on the wire, ``Model.thinking``; ``ThinkingLevel``,
  ``Behavior``. The SDK 3.x defaults to API version v1.

Inferred, not stated by a source: each model takes one kind of thinking setting, so
``thinking_budget`` is refused where only ``thinking_level`` (or nothing) is accepted.
Versions, descriptions and token limits of the listing are the sim's own labels, and
the non-Live entries are there for clients to filter out.
Dead or unknown ids are refused with 1008 "not found"; a setup field a model does not
accept is refused with 1007 and a reason naming the field in snake_case (a function
declaration's Schema key in camelCase, see ``tools``). ``googleSearch`` is accepted
by every Live model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .protocol import get_key, truncate_reason
from .tools import declaration_problem

LIVE_METHOD = "bidiGenerateContent"
API_VERSIONS: tuple[str, ...] = ("v1", "v1alpha", "v1beta")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
NOT_FOUND_CODE = 1008
INVALID_ARGUMENT_CODE = 1007
THINKING_LEVELS: tuple[str, ...] = ("MINIMAL", "LOW", "MEDIUM", "HIGH")
BEHAVIORS: tuple[str, ...] = ("BLOCKING", "NON_BLOCKING")

ProactiveAudio = Literal["always", "optional", "none"]
Closing = tuple[int, str]


@dataclass(frozen=True)
class ModelSpec:
    """One model: its listing entry and, for Live models, what its setup may contain."""

    id: str
    display_name: str
    version: str
    description: str
    input_token_limit: int
    output_token_limit: int
    methods: tuple[str, ...] = (LIVE_METHOD,)
    api_versions: tuple[str, ...] = API_VERSIONS
    thinking_levels: tuple[str, ...] = ()  # accepted thinking_level values
    thinking_budget: bool = False  # thinking_budget accepted
    proactive_audio: ProactiveAudio = "none"
    affective_dialog: bool = False  # enable_affective_dialog accepted
    behaviors: tuple[str, ...] = ("BLOCKING",)  # function declaration behaviours accepted
    default_behavior: str = "BLOCKING"
    interaction_status: bool = False  # interactionStatus sent with turnComplete
    thoughts: bool = False  # answers start with a thought part

    @property
    def is_live(self) -> bool:
        return LIVE_METHOD in self.methods

    @property
    def thinking(self) -> bool:
        """Whether the model takes any thinking setting (``Model.thinking``)."""
        return bool(self.thinking_levels) or self.thinking_budget or self.thoughts

    def resource(self) -> dict[str, Any]:
        """The ``models`` REST resource (camelCase JSON)."""
        return {
            "name": f"models/{self.id}",
            "version": self.version,
            "displayName": self.display_name,
            "description": self.description,
            "inputTokenLimit": self.input_token_limit,
            "outputTokenLimit": self.output_token_limit,
            "supportedGenerationMethods": list(self.methods),
            "thinking": self.thinking,
        }


def _live_38(model_id: str, name: str, description: str, **kw: Any) -> ModelSpec:
    return ModelSpec(
        model_id,
        name,
        "3.8",
        description,
        input_token_limit=131072,
        output_token_limit=65536,
        proactive_audio="always",
        behaviors=BEHAVIORS,
        default_behavior="NON_BLOCKING",
        interaction_status=True,
        **kw,
    )


def _native_audio_25(model_id: str, name: str, description: str, **kw: Any) -> ModelSpec:
    return ModelSpec(
        model_id,
        name,
        "2.5-preview-12-2025",
        description,
        input_token_limit=131072,
        output_token_limit=8192,
        thinking_budget=True,
        proactive_audio="optional",
        affective_dialog=True,
        behaviors=BEHAVIORS,
        **kw,
    )


CATALOGUE: tuple[ModelSpec, ...] = (
    _live_38(
        "gemini-3.8-live",
        "Gemini 3.8 Live",
        "Stable Live model for real-time voice and video conversations.",
    ),
    _live_38(
        "gemini-3.8-live-extended-thinking",
        "Gemini 3.8 Live Extended Thinking",
        "Gemini 3.8 Live with adjustable extended thinking.",
        thinking_levels=("LOW", "MEDIUM", "HIGH"),
        thoughts=True,
    ),
    ModelSpec(
        "gemini-3.1-flash-live-preview",
        "Gemini 3.1 Flash Live Preview",
        "3.1-preview",
        "Legacy preview Live model.",
        input_token_limit=131072,
        output_token_limit=65536,
        thinking_levels=THINKING_LEVELS,
    ),
    _native_audio_25(
        "gemini-2.5-flash-native-audio-preview-12-2025",
        "Gemini 2.5 Flash Native Audio Preview 12-2025",
        "Native audio Live model, December 2025 preview.",
    ),
    _native_audio_25(
        "gemini-2.5-flash-native-audio-latest",
        "Gemini 2.5 Flash Native Audio Latest",
        "Alias of the latest Gemini 2.5 Flash native audio preview (v1beta only).",
        api_versions=("v1beta",),
    ),
    ModelSpec(
        "gemini-3.8-flash",
        "Gemini 3.8 Flash",
        "3.8",
        "Fast multimodal model (not a Live model).",
        input_token_limit=1048576,
        output_token_limit=65536,
        methods=("generateContent", "countTokens"),
        thinking_levels=THINKING_LEVELS,
    ),
    ModelSpec(
        "gemini-embedding-001",
        "Gemini Embedding 001",
        "001",
        "Text embeddings (not a Live model).",
        input_token_limit=2048,
        output_token_limit=1,
        methods=("embedContent", "countTextTokens", "countTokens"),
    ),
)
LIVE_MODEL_IDS: tuple[str, ...] = tuple(m.id for m in CATALOGUE if m.is_live)
RECOMMENDED_MODEL: str = LIVE_MODEL_IDS[0]
# Ids the service no longer serves: refused as not found, like any unknown id.
RETIRED_MODEL_IDS: tuple[str, ...] = (
    "gemini-2.0-flash-live-001",
    "gemini-live-2.5-flash-preview",
    "gemini-2.5-flash-native-audio-preview-09-2025",
)


def bare_id(model: str) -> str:
    """``models/NAME`` -> ``NAME``."""
    return model.removeprefix("models/")


def find_model(model: str, api_version: str | None = None) -> ModelSpec | None:
    """The catalogue entry for ``model`` (served on ``api_version`` if given), or None."""
    name = bare_id(model)
    for spec in CATALOGUE:
        if spec.id == name and (api_version is None or api_version in spec.api_versions):
            return spec
    return None


def list_models(api_version: str, live_ids: Sequence[str] = LIVE_MODEL_IDS) -> list[ModelSpec]:
    """Models served on ``api_version``: the Live ones in ``live_ids`` and all others."""
    return [
        m
        for m in CATALOGUE
        if api_version in m.api_versions and (not m.is_live or m.id in live_ids)
    ]


def not_found_reason(model: str, api_version: str) -> str:
    name = model if model.startswith("models/") else f"models/{model}"
    return (
        f"{name} is not found for API version {api_version}, or is not supported for "
        "bidiGenerateContent. Call ListModels to see the list of available models and their "
        "supported methods."
    )


def _enum(value: Any) -> str:
    return str(value).rsplit(".", 1)[-1].upper()


def _thinking(spec: ModelSpec, gen: Mapping[str, Any]) -> str | None:
    thinking = get_key(gen, "thinking_config")
    level = get_key(thinking, "thinking_level")
    if level is not None:
        value = _enum(level)
        if not spec.thinking_levels:
            return "thinking_level is not supported for"
        if value not in spec.thinking_levels and value != "THINKING_LEVEL_UNSPECIFIED":
            allowed = ", ".join(spec.thinking_levels)
            return f"thinking_level {value} is not one of {allowed} for"
    if get_key(thinking, "thinking_budget") is not None and not spec.thinking_budget:
        return "thinking_budget is not supported for"
    return None


def _proactivity(spec: ModelSpec, raw: Mapping[str, Any]) -> str | None:
    proactive = get_key(get_key(raw, "proactivity"), "proactive_audio")
    if spec.proactive_audio == "always" and proactive is False:
        return "proactive_audio cannot be false (it is always on) for"
    if spec.proactive_audio == "none" and proactive:
        return "proactive_audio is not supported for"
    return None


def _affective(spec: ModelSpec, raw: Mapping[str, Any], gen: Mapping[str, Any]) -> str | None:
    given = get_key(gen, "enable_affective_dialog", get_key(raw, "enable_affective_dialog"))
    if given is not None and not spec.affective_dialog:
        return "enable_affective_dialog is not supported for"
    return None


def _behaviors(spec: ModelSpec, raw: Mapping[str, Any]) -> str | None:
    for tool in get_key(raw, "tools") or []:
        for decl in get_key(tool, "function_declarations") or []:
            behavior = get_key(decl, "behavior")
            if behavior is None:
                continue
            value = _enum(behavior)
            if value != "UNSPECIFIED" and value not in spec.behaviors:
                return f"behavior {value} is not supported for"
    return None


def function_behaviors(spec: ModelSpec, raw: Mapping[str, Any]) -> dict[str, str]:
    """Each declared function's behaviour (the model's default where none is given)."""
    out: dict[str, str] = {}
    for tool in get_key(raw, "tools") or []:
        for decl in get_key(tool, "function_declarations") or []:
            value = _enum(get_key(decl, "behavior") or "UNSPECIFIED")
            out[str(get_key(decl, "name"))] = (
                spec.default_behavior if value == "UNSPECIFIED" else value
            )
    return out


def check_setup(
    model: str,
    api_version: str,
    raw_setup: Mapping[str, Any],
    live_ids: Sequence[str] = LIVE_MODEL_IDS,
) -> Closing | None:
    """Why the service would refuse this setup, as ``(close code, reason)``, or None.

    ``live_ids`` narrows which Live models this server serves.
    """
    spec = find_model(model, api_version)
    if spec is None or not spec.is_live or spec.id not in live_ids:
        return NOT_FOUND_CODE, truncate_reason(not_found_reason(model, api_version))
    gen = get_key(raw_setup, "generation_config") or {}
    problem = (
        _thinking(spec, gen)
        or _proactivity(spec, raw_setup)
        or _affective(spec, raw_setup, gen)
        or _behaviors(spec, raw_setup)
        or declaration_problem(raw_setup)
    )
    if problem is None:
        return None
    return INVALID_ARGUMENT_CODE, truncate_reason(f"{problem} models/{spec.id}.")
