"""Settings of the local Live API sim."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import API_VERSIONS, LIVE_MODEL_IDS
from .vad import VadConfig


@dataclass
class SimConfig:
    """How the sim behaves. Pace is a multiple of real time for normal audio pacing.

    ``models`` are the Live models served (a subset of the catalogue's), ``interim_ms``
    the speech between two interim input transcriptions, ``calling_answer_s`` the
    length (in real time) of what the model says while non-blocking calls run.
    """

    api_key: str = field(default="demo-key", repr=False)
    models: tuple[str, ...] = LIVE_MODEL_IDS
    api_versions: tuple[str, ...] = API_VERSIONS
    vad_threshold_dbfs: float = -42.0
    vad_start_ms: int = 40
    vad_silence_ms: int = 500
    chunk_ms: int = 40
    interim_ms: int = 300
    pacing: str = "normal"  # "normal" | "burst" | "slow"
    pace: float = 2.0
    slow_pace: float = 0.5
    go_away_close_code: int = 1000
    setup_timeout_s: float = 10.0
    max_message_bytes: int = 16 * 1024 * 1024
    calling_answer_s: float = 3.0

    def vad_config(self) -> VadConfig:
        return VadConfig(
            threshold_dbfs=self.vad_threshold_dbfs,
            start_ms=self.vad_start_ms,
            silence_ms=self.vad_silence_ms,
        )
