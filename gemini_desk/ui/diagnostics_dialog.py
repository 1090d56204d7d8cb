"""The audio diagnostics dialog: a plain verdict, the device tests, and live figures and
meters of the microphone, speaker and event loop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.diagnosis import Finding, MicWatch, judge_echo, judge_mic, judge_speaker
from gemini_desk.core.loop_lag import LoopLagSummary
from gemini_desk.ui.buttons import plain_buttons
from gemini_desk.ui.diagnostics_tests import DeviceTestsPanel
from gemini_desk.ui.diagnostics_verdict import VerdictPanel
from gemini_desk.ui.level_meter import LevelMeter, LevelSource

log = logging.getLogger("gemini_desk.ui")

StatsSource = Callable[[], dict[str, Any] | None]
LagSource = Callable[[], LoopLagSummary]
LEVEL_INTERVAL_MS = 100  # the live microphone's level readings for the verdict


def _silent() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


# (key in stats(), label, format) per stream; format gets the value. The labels are
# marked for pyside6-lupdate (QT_TRANSLATE_NOOP) and translated where they are shown.
Rows = tuple[tuple[str, object, object], ...]
_MIC_ROWS: Rows = (
    ("device", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Device"), "{}"),
    ("rate", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Sample rate"), "{} Hz"),
    ("block_ms", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Block"), "{} ms"),
    ("latency_ms", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Input latency"), "{:.1f} ms"),
    ("overruns", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Overruns"), "{}"),
    ("dropped_samples", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Dropped samples"), "{}"),
    ("callbacks", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Callbacks"), "{}"),
    (
        "echo_cpu_us",
        QT_TRANSLATE_NOOP("DiagnosticsDialog", "Echo cancellation CPU"),
        QT_TRANSLATE_NOOP("DiagnosticsDialog", "{:.0f} µs per 10 ms frame"),
    ),
)
_SPEAKER_ROWS: Rows = (
    ("device", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Device"), "{}"),
    ("path", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Plays through"), "{}"),
    ("rate", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Sample rate"), "{} Hz"),
    ("block_ms", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Block"), "{} ms"),
    ("latency_ms", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Output latency"), "{:.1f} ms"),
    ("queued_ms", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Queued"), "{:.0f} ms"),
    ("threshold_ms", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Jitter threshold"), "{:.0f} ms"),
    ("underruns", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Underruns"), "{}"),
    ("overruns", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Overruns"), "{}"),
    ("dropped_samples", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Dropped samples"), "{}"),
    ("device_underflows", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Device underflows"), "{}"),
)


class DiagnosticsDialog(QDialog):
    """Non-modal; while shown it refreshes about twice a second from ``mic()``,
    ``speaker()`` (each returns the stream's ``stats()`` or ``None`` when it is not open;
    a microphone's ``muted`` True: closed by mute; a speaker's ``running`` False: it
    stopped on its own), ``echo()`` (the microphone
    processor's ``stats()``, None when none runs) and ``loop_lag()``. ``mic_level`` and
    ``speaker_level`` feed the meters; the microphone's level, read ten times a second,
    feeds its verdict. ``tests`` (the device tests panel) is driven by its owner, who
    reports a test's outcome with ``set_test_result``.

    Signals:
        copied(str): the figures were put on the clipboard as text.
    """

    copied = Signal(str)

    def __init__(
        self,
        mic: StatsSource,
        speaker: StatsSource,
        loop_lag: LagSource | None = None,
        parent: QWidget | None = None,
        interval_ms: int = 500,
        *,
        echo: StatsSource | None = None,
        mic_level: LevelSource | None = None,
        speaker_level: LevelSource | None = None,
        test_level: LevelSource = _silent,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Audio diagnostics"))
        self.setObjectName("diagnosticsDialog")
        self.setModal(False)
        self._mic = mic
        self._speaker = speaker
        self._loop_lag = loop_lag
        self._echo = echo
        self._mic_level = mic_level or _silent
        self._mic_watch = MicWatch()
        self._clock = 0.0  # seconds of level readings (the level timer's own count)
        self._tested: dict[str, Finding] = {}
        self.refreshes = 0

        self.verdict = VerdictPanel()
        self.tests = DeviceTestsPanel(test_level)

        self.mic_box, self.mic_labels = self._group(self.tr("Microphone"), _MIC_ROWS)
        self.speaker_box, self.speaker_labels = self._group(self.tr("Speaker"), _SPEAKER_ROWS)
        self.mic_meter = LevelMeter(self._mic_level, self.tr("Microphone"), compact=True)
        self.speaker_meter = LevelMeter(speaker_level or _silent, self.tr("Speaker"), compact=True)
        for box, meter in ((self.mic_box, self.mic_meter), (self.speaker_box, self.speaker_meter)):
            form = box.layout()
            assert isinstance(form, QFormLayout)
            form.insertRow(0, self.tr("Level"), meter)
        self.loop_box = QGroupBox(self.tr("Event loop"))
        loop_form = QFormLayout(self.loop_box)
        self.loop_label = QLabel()
        self.loop_label.setObjectName("loopLag")
        self.loop_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        loop_form.addRow(self.tr("Wake-up lag"), self.loop_label)

        streams = QHBoxLayout()
        streams.addWidget(self.mic_box)
        streams.addWidget(self.speaker_box)
        buttons = plain_buttons(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(
            self.tr("&Copy figures"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        # A verdict that wraps onto more lines grows the dialog instead of squeezing it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(self.verdict)
        layout.addWidget(self.tests)
        layout.addLayout(streams)
        layout.addWidget(self.loop_box)
        layout.addWidget(buttons)

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.level_timer = QTimer(self)
        self.level_timer.setInterval(LEVEL_INTERVAL_MS)
        self.level_timer.timeout.connect(self.read_level)
        self.refresh()

    def _group(self, title: str, rows: Rows) -> tuple[QGroupBox, dict[str, QLabel]]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        labels: dict[str, QLabel] = {}
        for key, name, _ in rows:
            value = QLabel()
            value.setObjectName(key)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(self.tr(str(name)), value)
            labels[key] = value
        return box, labels

    # --- refreshing ---------------------------------------------------------------
    def refresh(self) -> None:
        """Read every source once and update the labels and the verdict."""
        self.refreshes += 1
        mic = self._read(self._mic)
        speaker = self._read(self._speaker)
        self._fill(self.mic_labels, _MIC_ROWS, mic)
        self._fill(self.speaker_labels, _SPEAKER_ROWS, speaker)
        self.mic_meter.set_active(mic is not None)
        self.speaker_meter.set_active(speaker is not None)
        if self.verdict.show_findings(self._judge(mic, speaker)) and self.isVisible():
            QTimer.singleShot(0, self._fit)
        self._show_loop_lag()

    def _fit(self) -> None:
        """Grow to the height the content needs at this width: a verdict that wraps onto
        more lines must not squeeze the figures (a top-level layout does not follow its
        labels' height-for-width by itself)."""
        layout = self.layout()
        if layout is None:
            return
        need = layout.totalHeightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)

    def _show_loop_lag(self) -> None:
        if self._loop_lag is None:
            self.loop_label.setText(self.tr("not measured"))
            return
        s = self._loop_lag()
        if s.count == 0:
            self.loop_label.setText(self.tr("not measured yet"))
        else:
            self.loop_label.setText(
                self.tr("p50 %1 ms, p99 %2 ms, max %3 ms (%4 late of %5)")
                .replace("%1", f"{s.p50_ms:.1f}")
                .replace("%2", f"{s.p99_ms:.1f}")
                .replace("%3", f"{s.max_ms:.0f}")
                .replace("%4", str(s.late))
                .replace("%5", str(s.count))
            )

    def read_level(self) -> None:
        """One reading of the live microphone's level, for its verdict."""
        mic = self._read(self._mic)
        if mic is None or mic.get("muted"):
            self._mic_watch.clear()  # closed: what it heard before is not what it hears now
            return
        rms_db, _, clipped = self._mic_level()
        self._clock += LEVEL_INTERVAL_MS / 1000.0
        self._mic_watch.add(self._clock, rms_db, clipped)

    def set_test_result(self, part: str, finding: Finding) -> None:
        """A device test's outcome ("mic" or "speaker"): shown while that stream is not
        open (the tests run only then)."""
        self._tested[part] = finding
        self.refresh()

    def _judge(
        self, mic: dict[str, Any] | None, speaker: dict[str, Any] | None
    ) -> dict[str, Finding]:
        if mic is None:
            mic_finding = self._tested.get("mic") or judge_mic(None)
        else:
            mic_finding = judge_mic(self._mic_watch.figures(), muted=bool(mic.get("muted")))
        if speaker is None:
            speaker_finding = self._tested.get("speaker") or judge_speaker(open=False)
        else:
            speaker_finding = judge_speaker(
                open=True,
                lost=speaker.get("running") is False,
                underruns=int(speaker.get("underruns") or 0),
            )
        echo = self._read(self._echo) if self._echo is not None and mic is not None else None
        if mic is None:
            echo_finding = judge_echo(enabled=None, reduction_db=None)
        elif echo is None:
            echo_finding = judge_echo(enabled=False, reduction_db=None)
        else:
            echo_finding = judge_echo(
                enabled=bool(echo.get("echo_cancellation")),
                far_frames=int(echo.get("echo_far_frames") or 0),
                heard_frames=int(echo.get("echo_heard_frames") or 0),
                reduction_db=echo.get("echo_reduction_db"),
            )
        return {"mic": mic_finding, "speaker": speaker_finding, "echo": echo_finding}

    def _read(self, source: StatsSource) -> dict[str, Any] | None:
        try:
            return source()
        except Exception as exc:  # a stream closing under us must not break the dialog
            log.debug("diagnostics source failed: %r", exc)
            return None

    def _fill(
        self,
        labels: dict[str, QLabel],
        rows: Rows,
        stats: dict[str, Any] | None,
    ) -> None:
        for key, _, fmt in rows:
            label = labels[key]
            if stats is None:
                label.setText(self.tr("not open") if key == "device" else "-")
                continue
            value = stats.get(key)
            if value is None:
                label.setText(self.tr("system default") if key == "device" else "-")
            else:
                label.setText(self.tr(str(fmt)).format(value))  # words translated, units not

    def as_text(self) -> str:
        """The figures shown, as plain text (for bug reports)."""
        lines: list[str] = [self.verdict.title(), self.verdict.as_text()]
        for box, labels, rows in (
            (self.mic_box, self.mic_labels, _MIC_ROWS),
            (self.speaker_box, self.speaker_labels, _SPEAKER_ROWS),
        ):
            lines.append(box.title())
            lines += [f"  {self.tr(str(name))}: {labels[key].text()}" for key, name, _ in rows]
        lines.append(f"{self.loop_box.title()}: {self.loop_label.text()}")
        return "\n".join(lines)

    def copy_to_clipboard(self) -> None:
        text = self.as_text()
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)

    # --- only refresh while visible -------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        self.timer.start()
        self.level_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        self.level_timer.stop()
        super().hideEvent(event)
