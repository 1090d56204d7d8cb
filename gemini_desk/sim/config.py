"""Settings of the local Live API sim."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import API_VERSIONS, LIVE_MODEL_IDS
from .records import RecordLimits
from .vad import VadConfig

_BYTES_PER_S = 16000 * 2  # 16 kHz int16, the input audio rate


@dataclass
class SimConfig:
    """How the sim behaves. Pace is a multiple of real time for normal audio pacing.

    ``models`` are the Live models served (a subset of the catalogue's), ``interim_ms``
    the speech between two interim input transcriptions, ``calling_answer_s`` the
    length (in real time) of what the model says while non-blocking calls run.

    Records are bounded (counts, the last ``keep_audio_s`` of audio, the last frame,
    the last ``keep_entries`` of each list and of the ended sessions, the JSON of
    messages up to ``keep_raw_bytes``) unless ``full_records`` (tests) keeps everything.
    ``stop_grace_s`` is how long a stop waits for clients to finish the close handshake
    before it cuts them off.
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
    full_records: bool = False
    keep_audio_s: float = 5.0
    keep_entries: int = 64
    keep_raw_bytes: int = 8 * 1024
    stop_grace_s: float = 1.0

    def record_limits(self) -> RecordLimits | None:
        """What each connection's record keeps; None: everything."""
        if self.full_records:
            return None
        return RecordLimits(
            audio_bytes=int(self.keep_audio_s * _BYTES_PER_S),
            entries=self.keep_entries,
            raw_bytes=self.keep_raw_bytes,
        )

    def vad_config(self) -> VadConfig:
        return VadConfig(
            threshold_dbfs=self.vad_threshold_dbfs,
            start_ms=self.vad_start_ms,
            silence_ms=self.vad_silence_ms,
        )
