"""Audio diagnostics' device tests: the buttons, the countdown and level of the
microphone test, and the speaker test's question."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.session.audio_check import Phase
from gemini_desk.ui.level_meter import LevelMeter, LevelSource

__all__ = ["DeviceTestsPanel"]


class DeviceTestsPanel(QGroupBox):
    """Signals:
    micTestRequested(): "Test microphone" was pressed.
    speakerTestRequested(): "Test speaker" was pressed.
    chimeAnswered(bool): the user said whether they heard the chime.
    """

    micTestRequested = Signal()
    speakerTestRequested = Signal()
    chimeAnswered = Signal(bool)

    def __init__(self, level: LevelSource, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Test your devices"), parent)
        self.setObjectName("deviceTests")
        self._available = True
        self._phase = Phase.IDLE
        self._seconds_left = 0
        self._asking = False
        self.mic_button = QPushButton(self.tr("Test &microphone"))
        self.mic_button.setObjectName("micTestButton")
        self.mic_button.setToolTip(self.tr("Records 3 seconds, then plays them back"))
        self.speaker_button = QPushButton(self.tr("Test &speaker"))
        self.speaker_button.setObjectName("speakerTestButton")
        self.speaker_button.setToolTip(self.tr("Plays a soft chime"))
        self.mic_button.clicked.connect(self.micTestRequested)
        self.speaker_button.clicked.connect(self.speakerTestRequested)
        self.status = QLabel()
        self.status.setObjectName("deviceTestStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meter = LevelMeter(level, self.tr("Recording"), compact=True)
        self.meter.setObjectName("micTestMeter")
        self.meter.set_active(False)
        self.yes_button = QPushButton(self.tr("&Yes, I heard it"))
        self.yes_button.setObjectName("heardYes")
        self.no_button = QPushButton(self.tr("&No"))
        self.no_button.setObjectName("heardNo")
        self.yes_button.clicked.connect(lambda: self._answer(True))
        self.no_button.clicked.connect(lambda: self._answer(False))

        buttons = QHBoxLayout()
        buttons.addWidget(self.mic_button)
        buttons.addWidget(self.speaker_button)
        buttons.addStretch(1)
        answers_page = QWidget()
        answers = QHBoxLayout(answers_page)
        answers.setContentsMargins(0, 0, 0, 0)
        answers.addWidget(self.yes_button)
        answers.addWidget(self.no_button)
        answers.addStretch(1)
        # One row below the status for the level or the question, the height of the
        # taller: the dialog keeps its size whatever the test shows.
        self.extra = QStackedWidget()
        self.extra.addWidget(QWidget())  # nothing
        self.extra.addWidget(self.meter)
        self.extra.addWidget(answers_page)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.extra)
        self._update()

    # --- what the owner tells it -----------------------------------------------------
    def set_available(self, available: bool) -> None:
        """False while connected: a test would be heard by Gemini (and hear it)."""
        self._available = available
        self._update()

    def set_phase(self, phase: Phase, seconds_left: int = 0) -> None:
        self._phase = phase
        self._seconds_left = seconds_left
        if phase is not Phase.IDLE:
            self._asking = False
        self._update()

    def ask_heard(self) -> None:
        """The chime has played: ask whether it was heard."""
        self._asking = True
        self._update()
        self.yes_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def asking(self) -> bool:
        return self._asking

    @property
    def running(self) -> bool:
        return self._phase is not Phase.IDLE

    # --- internals -------------------------------------------------------------------
    def _answer(self, heard: bool) -> None:
        self._asking = False
        self._update()
        self.speaker_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chimeAnswered.emit(heard)

    def _update(self) -> None:
        phase = self._phase
        idle = phase is Phase.IDLE
        free = idle and not self._asking and self._available
        self.mic_button.setEnabled(free)
        self.speaker_button.setEnabled(free)
        recording = phase is Phase.RECORDING
        self.extra.setCurrentIndex(1 if recording else 2 if self._asking else 0)
        self.meter.set_active(recording)
        if recording:
            text = self.tr("Speak now… %1").replace("%1", str(self._seconds_left))
        elif phase is Phase.PLAYING_BACK:
            text = self.tr("Playing back what the microphone heard…")
        elif phase is Phase.PLAYING_CHIME:
            text = self.tr("Playing a chime…")
        elif self._asking:
            text = self.tr("Did you hear the chime?")
        elif not self._available:
            text = self.tr("End the conversation to run a test: Gemini would hear it.")
        else:
            text = self.tr(
                "The microphone test records 3 seconds and plays them back; the speaker "
                "test plays a chime. Nothing is recorded until you press a button."
            )
        self.status.setText(text)
