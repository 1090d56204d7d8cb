"""The "Voice" and "Spoken language" rows of the settings dialog, with voice samples."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from gemini_desk.core.models import LANGUAGES, VOICES
from gemini_desk.core.settings import Settings


def language_name(code: str) -> str:
    """A language's own name with its country, e.g. ``Deutsch (Deutschland)``."""
    locale = QLocale(code.replace("-", "_"))
    name = locale.nativeLanguageName() or code
    country = locale.nativeTerritoryName()
    name = name[:1].upper() + name[1:]
    return f"{name} ({country})" if country else name


# Each voice's character, as Google's speech documentation describes it.
VOICE_STYLES = {
    "Zephyr": "bright", "Puck": "upbeat", "Charon": "informative", "Kore": "firm",
    "Fenrir": "excitable", "Leda": "youthful", "Orus": "firm", "Aoede": "breezy",
    "Callirrhoe": "easy-going", "Autonoe": "bright", "Enceladus": "breathy",
    "Iapetus": "clear", "Umbriel": "easy-going", "Algieba": "smooth", "Despina": "smooth",
    "Erinome": "clear", "Algenib": "gravelly", "Rasalgethi": "informative",
    "Laomedeia": "upbeat", "Achernar": "soft", "Alnilam": "firm", "Schedar": "even",
    "Gacrux": "mature", "Pulcherrima": "forward", "Achird": "friendly",
    "Zubenelgenubi": "casual", "Vindemiatrix": "gentle", "Sadachbia": "lively",
    "Sadaltager": "knowledgeable", "Sulafat": "warm",
}  # fmt: skip


class VoicePicker(QWidget):
    """Picks one of the 30 voices (with a Play sample button) and the spoken language.

    Signals:
        sampleRequested(str): play a short sample of this voice.
    """

    sampleRequested = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voice_combo = QComboBox()
        self.voice_combo.setObjectName("voiceCombo")
        styles = self._styles()
        for voice in VOICES:
            style = styles.get(VOICE_STYLES.get(voice, ""), "")
            self.voice_combo.addItem(f"{voice} — {style}" if style else voice, voice)
        self.voice_combo.setCurrentIndex(max(0, self.voice_combo.findData(settings.voice)))
        self.voice_combo.setAccessibleName(self.tr("Voice"))
        self.voice_combo.currentIndexChanged.connect(self._on_voice_changed)
        self.play_button = QPushButton(self.tr("&Play sample"))
        self.play_button.setObjectName("playSample")
        self.play_button.setAccessibleName(self.tr("Play a sample of this voice"))
        self.play_button.clicked.connect(self._on_play_clicked)
        self.sample_label = QLabel()
        self.sample_label.setObjectName("sampleState")
        self.sample_label.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.voice_combo, 1)
        row.addWidget(self.play_button)
        row.addWidget(self.sample_label, 1)

        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCodeCombo")
        self.language_combo.setAccessibleName(self.tr("Spoken language"))
        self.language_combo.addItem(self.tr("Automatic"), "")
        for code in sorted(LANGUAGES, key=language_name):
            self.language_combo.addItem(language_name(code), code)
        index = self.language_combo.findData(settings.language_code)
        self.language_combo.setCurrentIndex(max(0, index))

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow(self.tr("Voi&ce:"), self)
        form.addRow(self.tr("&Spoken language:"), self.language_combo)

    def values(self) -> dict[str, Any]:
        return {
            "voice": self.voice(),
            "language_code": str(self.language_combo.currentData()),
        }

    def set_sample_state(self, voice: str, state: str, message: str = "") -> None:
        """``state``: ``"fetching"``, ``"playing"``, ``"done"`` or ``"failed"`` (with
        ``message`` saying why, already in words)."""
        if voice != self.voice():
            return  # about a voice no longer selected
        busy = state in ("fetching", "playing")
        self.play_button.setEnabled(not busy)
        texts = {
            "fetching": self.tr("Asking Gemini to say hello…"),
            "playing": self.tr("Playing…"),
            "done": "",
            "failed": message or self.tr("The sample could not be played."),
        }
        self.sample_label.setText(texts.get(state, ""))

    def voice(self) -> str:
        """The chosen voice's name."""
        return str(self.voice_combo.currentData())

    def _styles(self) -> dict[str, str]:
        return {
            "bright": self.tr("bright"),
            "upbeat": self.tr("upbeat"),
            "informative": self.tr("informative"),
            "firm": self.tr("firm"),
            "excitable": self.tr("excitable"),
            "youthful": self.tr("youthful"),
            "breezy": self.tr("breezy"),
            "easy-going": self.tr("easy-going"),
            "breathy": self.tr("breathy"),
            "clear": self.tr("clear"),
            "smooth": self.tr("smooth"),
            "gravelly": self.tr("gravelly"),
            "soft": self.tr("soft"),
            "even": self.tr("even"),
            "mature": self.tr("mature"),
            "forward": self.tr("forward"),
            "friendly": self.tr("friendly"),
            "casual": self.tr("casual"),
            "gentle": self.tr("gentle"),
            "lively": self.tr("lively"),
            "knowledgeable": self.tr("knowledgeable"),
            "warm": self.tr("warm"),
        }

    def _on_play_clicked(self) -> None:
        voice = self.voice()
        self.set_sample_state(voice, "fetching")
        self.sampleRequested.emit(voice)

    def _on_voice_changed(self, _index: int) -> None:
        self.play_button.setEnabled(True)
        self.sample_label.clear()
