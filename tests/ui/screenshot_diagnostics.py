"""Screenshots of Help > Audio diagnostics for looking at them (not a test).

Usage: python tests/ui/screenshot_diagnostics.py OUT_PREFIX [--dark] [--lang zh_CN]
       [--extra-zh FILE.json]
Writes OUT_PREFIX-disconnected.png (fresh, not connected), -recording.png (the
microphone test counting down, with its level), -chime.png (the speaker test's question,
after a microphone test that heard nothing) and -connected.png (live figures: the
verdict, echo cancellation's reduction, the tests unavailable). Run under Xvfb
(QT_QPA_PLATFORM=xcb) with QT_SCALE_FACTOR=2 for HiDPI. ``--extra-zh`` loads
translations not yet in the .ts files ({"source": "translation"}), to see their length.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.diagnosis import MicFigures, judge_mic
from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.session.audio_check import Phase
from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog
from gemini_desk.ui.i18n import install_translators
from tests.support.palettes import dark_palette


class JsonTranslator(QTranslator):
    """Translations from a {"source": "translation"} file, for any context."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._table: dict[str, str] = json.loads(path.read_text())

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self._table.get(source)  # None: not here, the next translator answers

    def isEmpty(self) -> bool:
        return False


def _speech_level() -> tuple[float, float, bool]:
    return (-24.0 + 8.0 * ((time.monotonic() * 2) % 1.0), -9.0, False)


MIC = {
    "device": "USB Microphone",
    "rate": 48000,
    "block_ms": 20,
    "latency_ms": 10.7,
    "overruns": 0,
    "dropped_samples": 0,
    "callbacks": 5210,
    "echo_cpu_us": 92.0,
}
SPEAKER = {
    "device": "Speakers",
    "path": "libpulse",
    "rate": 48000,
    "block_ms": 20,
    "latency_ms": 42.0,
    "queued_ms": 180.0,
    "threshold_ms": 100.0,
    "underruns": 0,
    "overruns": 0,
    "dropped_samples": 0,
    "device_underflows": None,
    "running": True,
}
ECHO = {
    "echo_cancellation": True,
    "echo_reduction_db": 38.2,
    "echo_far_frames": 1400,
    "echo_heard_frames": 1200,
}


def save(widget: QWidget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    prefix = sys.argv[1]
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Gemini Desk")
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    if "--lang" in sys.argv:
        install_translators(app, sys.argv[sys.argv.index("--lang") + 1])
    if "--extra-zh" in sys.argv:
        extra = JsonTranslator(Path(sys.argv[sys.argv.index("--extra-zh") + 1]))
        app.installTranslator(extra)
    lag = LoopLag()
    for i in range(200):
        lag.record(i * 0.05, i * 0.05 + 0.0008 + (0.004 if i % 50 == 0 else 0.0))

    none: dict[str, Any] | None = None
    fresh = DiagnosticsDialog(lambda: none, lambda: none, lag.summary)
    fresh.move(20, 20)
    fresh.show()

    recording = DiagnosticsDialog(lambda: none, lambda: none, lag.summary, test_level=_speech_level)
    recording.move(60, 40)
    recording.show()
    recording.tests.set_phase(Phase.RECORDING, 2)

    chime = DiagnosticsDialog(lambda: none, lambda: none, lag.summary)
    chime.move(100, 60)
    chime.show()
    chime.set_test_result("mic", judge_mic(MicFigures(3.0, -90.0, -90.0, 0.0), recorded=True))
    chime.tests.ask_heard()

    readings = iter([(-62.0, -50.0, False), (-62.0, -50.0, False), (-22.0, -9.0, False)] * 14)
    connected = DiagnosticsDialog(
        lambda: MIC,
        lambda: SPEAKER,
        lag.summary,
        echo=lambda: ECHO,
        mic_level=lambda: next(readings, (-22.0, -9.0, False)),
        speaker_level=lambda: (-18.0, -6.0, False),
    )
    connected.move(140, 80)
    connected.show()
    for _ in range(40):  # four seconds of the live microphone's level
        connected.read_level()
    connected.tests.set_available(False)
    connected.refresh()

    def finish() -> None:
        save(fresh, Path(f"{prefix}-disconnected.png"))
        save(recording, Path(f"{prefix}-recording.png"))
        save(chime, Path(f"{prefix}-chime.png"))
        save(connected, Path(f"{prefix}-connected.png"))
        for d in (fresh, recording, chime, connected):
            d.close()
        app.quit()

    QTimer.singleShot(900, finish)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
