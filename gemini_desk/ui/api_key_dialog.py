"""File > API key: enter a Gemini API key (checked before it is used, as on the
welcome), or try the local demo instead."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.messages import Message
from gemini_desk.ui.key_status import KeyStatus
from gemini_desk.ui.message_text import message_text

API_KEY_URL = "https://aistudio.google.com/apikey"


def is_plausible_key(text: str) -> bool:
    """Non-empty with no spaces inside (surrounding whitespace from a paste is ignored)."""
    key = text.strip()
    return bool(key) and not any(ch.isspace() for ch in key)


class ApiKeyDialog(QDialog):
    """Asks for an API key in plain words, or offers the demo.

    Signals:
        keySubmitted(str): with :attr:`checks_key`, "Use this key" was clicked: the app
            checks the key and answers with :meth:`key_checked`.
        keyEntered(str): the key to use, stripped ("Use this key" was clicked, and the
            check said it works when there is one).
        demoChosen(): "Try the demo" was clicked.

    Show it with ``open()`` (never ``exec()`` from a coroutine). It finishes with
    ``Accepted`` for a key, :attr:`DEMO` for the demo and ``Rejected`` for Cancel.
    """

    keySubmitted = Signal(str)
    keyEntered = Signal(str)
    demoChosen = Signal()

    DEMO = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks_key = False  # True: the key is checked (keySubmitted) before it is used
        self._checking = False
        self.setWindowTitle(self.tr("Gemini API key"))
        self.setObjectName("apiKeyDialog")

        intro = QLabel(
            self.tr(
                "<p>To talk to Gemini, this app needs an <b>API key</b>: a long password "
                "that lets it use your Google account's Gemini access. It is free to "
                "create one.</p>"
                "<p>Get a key at <a href='%1'>%1</a>, sign in, click "
                "<i>Create API key</i>, then copy it and paste it below.</p>"
            ).replace("%1", API_KEY_URL)
        )
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("keyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("Paste your API key here"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.key_edit.textChanged.connect(self._on_text_changed)
        key_label = QLabel(self.tr("&API key:"))
        key_label.setBuddy(self.key_edit)
        self.show_key = QCheckBox(self.tr("&Show key"))
        self.show_key.setObjectName("showKey")
        self.show_key.toggled.connect(self._on_show_toggled)
        key_row = QHBoxLayout()
        key_row.addWidget(key_label)
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)

        self.hint_label = QLabel()
        self.hint_label.setObjectName("keyHint")
        self.hint_label.setWordWrap(True)
        self.status = KeyStatus()  # the check's answer
        self.storage_label = QLabel()
        self.storage_label.setObjectName("storageNote")
        self.storage_label.setWordWrap(True)
        self.storage_label.hide()

        demo_note = QLabel(
            self.tr(
                "No key yet? <b>Try the demo</b>: the app talks to a small server on this "
                "computer that echoes what you say back to you. Nothing leaves the machine."
            )
        )
        demo_note.setTextFormat(Qt.TextFormat.RichText)
        demo_note.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.use_button = QPushButton(self.tr("&Use this key"))
        self.use_button.setObjectName("useKey")
        self.use_button.setDefault(True)
        self.demo_button = QPushButton(self.tr("Try the &demo"))
        self.demo_button.setObjectName("tryDemo")
        self.buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setIcon(QIcon())  # the platform's word, no clip-art
        self.use_button.clicked.connect(self._on_use_clicked)
        self.demo_button.clicked.connect(self._on_demo_clicked)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(key_row)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.status)
        layout.addWidget(self.storage_label)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)
        layout.addWidget(demo_note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._on_text_changed("")

    def key(self) -> str:
        return self.key_edit.text().strip()

    def set_storage_note(self, note: Message | None) -> None:
        """Say where the key will be kept (from the key store), or nothing."""
        self.storage_label.setText(message_text(note) if note is not None else "")
        self.storage_label.setVisible(note is not None)

    def key_checked(self, problem: Message | None) -> None:
        """The check's answer: ``None`` (it works: the key is used and the dialog
        closes) or why not (said here; the field is ready for another try)."""
        self._checking = False
        self.key_edit.setReadOnly(False)
        if problem is None:
            self.keyEntered.emit(self.key())
            self.accept()
            return
        self.status.problem(problem)
        self._fit_height()
        self._on_text_changed(self.key_edit.text())
        self.key_edit.selectAll()
        self.key_edit.setFocus()

    # --- slots --------------------------------------------------------------------
    def _on_text_changed(self, text: str) -> None:
        plausible = is_plausible_key(text)
        self.use_button.setEnabled(plausible and not self._checking)
        if text.strip() and not plausible:
            self.hint_label.setText(self.tr("An API key has no spaces in it."))
        else:
            self.hint_label.setText("")
        self.hint_label.setVisible(bool(self.hint_label.text()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()  # its width is known now: every wrapped line shows

    def _fit_height(self) -> None:
        """Grow to show every wrapped line (when shown, and once the check's answer
        appeared: a window does not grow by itself when its content does)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _on_show_toggled(self, shown: bool) -> None:
        self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _on_use_clicked(self) -> None:
        if self._checking or not is_plausible_key(self.key_edit.text()):
            return
        if not self.checks_key:
            self.keyEntered.emit(self.key())
            self.accept()
            return
        self._checking = True
        self.status.checking()
        self._fit_height()
        # Read-only, not disabled: the focus waits in the field (Enter there does
        # nothing now), never on a button that Enter would press (Try the demo).
        self.key_edit.setReadOnly(True)
        self.use_button.setEnabled(False)
        self.key_edit.setFocus()
        self.use_button.setDefault(True)  # (the focus passing by made Try the demo it)
        self.keySubmitted.emit(self.key())

    def _on_demo_clicked(self) -> None:
        self.demoChosen.emit()
        self.done(self.DEMO)
