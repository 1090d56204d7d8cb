"""DiagnosticsDialog: live audio figures, refreshed while shown, and the menu entry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QSignalSpy

from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog
from gemini_desk.ui.main_window import MainWindow
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Speaker:
    """Our own stand-in for SpeakerPlayback.stats(): figures that change between reads."""

    def __init__(self) -> None:
        self.underruns = 0

    def stats(self) -> dict[str, Any]:
        return {
            "device": "Built-in Speakers",
            "rate": 48000,
            "block_ms": 10,
            "latency_ms": 21.33,
            "queued_ms": 180.0,
            "threshold_ms": 100.0,
            "underruns": self.underruns,
            "overruns": 0,
            "dropped_samples": 0,
            "device_underflows": 2,
        }


def test_shows_figures_and_refreshes_while_open(qapp) -> None:  # noqa: F811
    speaker = Speaker()
    mic: dict[str, Any] | None = None  # the microphone is not open
    lag = LoopLag()
    dialog = DiagnosticsDialog(lambda: mic, speaker.stats, lag.summary, interval_ms=50)
    dialog.show()
    process_events()
    assert not dialog.isModal()
    s = dialog.speaker_labels
    assert s["device"].text() == "Built-in Speakers"
    assert s["rate"].text() == "48000 Hz"
    assert s["latency_ms"].text() == "21.3 ms"
    assert s["threshold_ms"].text() == "100 ms"
    assert s["underruns"].text() == "0"
    assert dialog.mic_labels["device"].text() == "not open"
    assert dialog.loop_label.text() == "not measured yet"

    speaker.underruns = 3
    mic = {
        "device": None,
        "rate": 44100,
        "block_ms": 10,
        "latency_ms": 8.0,
        "overruns": 1,
        "dropped_samples": 160,
        "callbacks": 1234,
    }
    for i in range(10):
        lag.record(float(i), i + 0.004)
    lag.record(20.0, 20.2)
    _wait(200)  # the timer refreshes without being asked
    assert s["underruns"].text() == "3"
    assert dialog.mic_labels["device"].text() == "system default"
    assert dialog.mic_labels["dropped_samples"].text() == "160"
    assert dialog.loop_label.text().startswith("p50 4.0 ms")
    assert "max 200 ms (1 late of 11)" in dialog.loop_label.text()

    copied = QSignalSpy(dialog.copied)
    dialog.copy_button.click()
    assert copied.count() == 1
    text = QGuiApplication.clipboard().text()
    assert "Underruns: 3" in text and "Dropped samples: 160" in text

    dialog.close()
    process_events()
    before = dialog.refreshes
    _wait(150)
    assert dialog.refreshes == before, "no refreshing while hidden"


def test_a_failing_source_reads_as_not_open(qapp) -> None:  # noqa: F811
    def broken() -> dict[str, Any]:
        raise RuntimeError("stream closed")

    dialog = DiagnosticsDialog(broken, broken)
    assert dialog.speaker_labels["device"].text() == "not open"
    assert dialog.loop_label.text() == "not measured"


def test_help_menu_requests_diagnostics(qapp) -> None:  # noqa: F811

    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    spy = QSignalSpy(window.diagnosticsRequested)
    assert window.diagnostics_action.text() == "Audio &diagnostics…"
    window.diagnostics_action.trigger()
    assert spy.count() == 1
    window.close_now()
