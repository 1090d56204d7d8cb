"""First run: a welcome with the app's icon, one sentence, the key field (focused) with
Paste and "Get a key", and "Try the demo" as the second choice."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.messages import Message
from gemini_desk.platform.assets import APP_ICON, resource_path
from gemini_desk.ui.api_key_dialog import API_KEY_URL, is_plausible_key
from gemini_desk.ui.key_status import KeyStatus
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notices import Severity

__all__ = ["WelcomeView", "welcome_stack"]

ICON_PX = 72
BOX_WIDTH = 520


class WelcomeView(QWidget):
    """What a first launch shows instead of the conversation.

    Signals:
        keySubmitted(str): Continue (or Enter) with a plausible key; the app checks it
            and answers with :meth:`show_checking` / :meth:`show_problem`.
        demoChosen(): "Try the demo".
        finished(): the welcome is done (the conversation takes its place).
    """

    keySubmitted = Signal(str)
    demoChosen = Signal()
    opened = Signal()
    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeView")
        icon = QLabel()
        icon.setObjectName("welcomeIcon")
        icon.setPixmap(QIcon(str(resource_path(APP_ICON))).pixmap(ICON_PX, ICON_PX))
        icon.setFixedSize(ICON_PX, ICON_PX)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icon.setAccessibleName(self.tr("Gemini Desk"))
        title = QLabel(self.tr("Welcome to Gemini Desk"))
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sentence = QLabel(self.tr("Talk with Gemini out loud: paste your Gemini API key to start."))
        sentence.setObjectName("welcomeSentence")
        sentence.setWordWrap(True)
        sentence.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("welcomeKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("Paste your API key here"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.key_edit.textChanged.connect(self._on_text_changed)
        self.key_edit.returnPressed.connect(self._on_continue)
        self.paste_button = QPushButton(self.tr("&Paste"))
        self.paste_button.setObjectName("pasteKey")
        self.paste_button.setAccessibleName(self.tr("Paste the API key"))
        self.paste_button.clicked.connect(self._on_paste)
        self.continue_button = QPushButton(self.tr("&Continue"))
        self.continue_button.setObjectName("continueKey")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self._on_continue)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.paste_button)
        key_row.addWidget(self.continue_button)

        get_key = self.tr("Get a key")  # (not inside the f-string: lupdate skips those)
        self.get_key_link = QLabel(
            f"<a href='{API_KEY_URL}'>{get_key}</a> " + self.tr("(free, at Google AI Studio)")
        )
        self.get_key_link.setObjectName("getKeyLink")
        self.get_key_link.setTextFormat(Qt.TextFormat.RichText)
        self.get_key_link.setOpenExternalLinks(True)
        self.get_key_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        # The key check's answer: checking, works, or why not.
        self.status = KeyStatus()
        self.storage_label = QLabel()
        self.storage_label.setObjectName("welcomeStorage")
        self.storage_label.setWordWrap(True)
        self.storage_label.hide()

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        demo_note = QLabel(
            self.tr("No key yet? The demo runs on this computer and plays back what you say.")
        )
        demo_note.setWordWrap(True)
        demo_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_button = QPushButton(self.tr("Try the &demo"))
        self.demo_button.setObjectName("tryDemo")
        self.demo_button.clicked.connect(self.demoChosen)

        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(icon, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(title)
        column.addWidget(sentence)
        column.addSpacing(8)
        column.addLayout(key_row)
        column.addWidget(self.get_key_link)
        column.addWidget(self.status)
        column.addWidget(self.storage_label)
        column.addSpacing(8)
        column.addWidget(rule)
        column.addWidget(demo_note)
        column.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box = QWidget()
        box.setLayout(column)
        box.setFixedWidth(BOX_WIDTH)  # a fixed width: wrapped text gets the height it needs
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setTabOrder(self.key_edit, self.paste_button)
        self.setTabOrder(self.paste_button, self.continue_button)
        self.setTabOrder(self.continue_button, self.get_key_link)
        self.setTabOrder(self.get_key_link, self.demo_button)
        self._on_text_changed("")

    def open(self) -> None:
        """Show the welcome in place of the conversation, the cursor in the key field."""
        self.opened.emit()
        self.focus_key()

    def finish(self) -> None:
        """Done (a key works, or the demo was chosen): the conversation comes back."""
        self.finished.emit()

    def key(self) -> str:
        return self.key_edit.text().strip()

    def focus_key(self) -> None:
        self.key_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_storage_note(self, note: Message | None) -> None:
        """Say where the key will be kept (from the key store)."""
        self.storage_label.setText(message_text(note) if note is not None else "")
        self.storage_label.setVisible(note is not None)

    def show_checking(self) -> None:
        self.status.checking()
        self.key_edit.setEnabled(False)
        self.continue_button.setEnabled(False)

    def show_works(self, live_models: int) -> None:
        text = self.tr("Your key works (%1 Live models). Connecting…").replace(
            "%1", str(live_models)
        )
        self.status.say(text, Severity.INFO)

    def show_problem(self, problem: Message) -> None:
        """The key was not accepted (or could not be checked): say why, try again."""
        self.status.problem(problem)
        self.key_edit.setEnabled(True)
        self._on_text_changed(self.key_edit.text())
        self.key_edit.selectAll()
        self.focus_key()

    # --- internals ----------------------------------------------------------------------
    def _on_text_changed(self, text: str) -> None:
        self.continue_button.setEnabled(is_plausible_key(text))

    def _on_paste(self) -> None:
        text = QGuiApplication.clipboard().text().strip()
        if text:
            self.key_edit.setText(text)
        self.focus_key()

    def _on_continue(self) -> None:
        if self.key_edit.isEnabled() and is_plausible_key(self.key_edit.text()):
            self.keySubmitted.emit(self.key())


def welcome_stack(main: QWidget, welcome: WelcomeView) -> QStackedWidget:
    """The window's centre: ``main`` (the conversation), or ``welcome`` until it is done."""
    stack = QStackedWidget()
    stack.setObjectName("centreStack")
    stack.addWidget(main)
    stack.addWidget(welcome)

    welcome.opened.connect(lambda: stack.setCurrentWidget(welcome))
    welcome.finished.connect(lambda: stack.setCurrentWidget(main))
    return stack
