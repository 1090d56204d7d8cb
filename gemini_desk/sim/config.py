"""Settings of the local Live API sim."""

from __future__ import annotations

from dataclasses import dataclass, field

from .vad import VadConfig

DEFAULT_MODELS: tuple[str, ...] = (
    "gemini-2.5-flash-native-audio-preview-09-2025",
    "gemini-2.5-flash-native-audio-preview-12-2025",
    "gemini-2.5-flash-native-audio-latest",
    "gemini-live-2.5-flash-preview",
    "gemini-2.0-flash-live-001",
)
API_VERSIONS: tuple[str, ...] = ("v1alpha", "v1beta")


@dataclass
class SimConfig:
    """How the sim behaves. Pace is a multiple of real time for normal audio pacing."""

    api_key: str = field(default="demo-key", repr=False)
    models: tuple[str, ...] = DEFAULT_MODELS
    api_versions: tuple[str, ...] = API_VERSIONS
    vad_threshold_dbfs: float = -42.0
    vad_start_ms: int = 40
    vad_silence_ms: int = 500
    chunk_ms: int = 40
    pacing: str = "normal"  # "normal" | "burst" | "slow"
    pace: float = 2.0
    slow_pace: float = 0.5
    go_away_close_code: int = 1000
    setup_timeout_s: float = 10.0
    max_message_bytes: int = 16 * 1024 * 1024

    def vad_config(self) -> VadConfig:
        return VadConfig(
            threshold_dbfs=self.vad_threshold_dbfs,
            start_ms=self.vad_start_ms,
            silence_ms=self.vad_silence_ms,
        )

    def has_model(self, model: str) -> bool:
        """``models/NAME`` or ``NAME``."""
        return model.removeprefix("models/") in self.models
