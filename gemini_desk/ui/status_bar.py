"""The main window's status bar: what goes with the connection state (why it ended)
and demo mode. A wait to reconnect is the connection banner's (it counts down); the
state itself is the status element's; latency and the model are in its details."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import Message
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.theme import follow_palette

__all__ = ["StatusBar"]

# Called as translate("MainWindow", "...") so that pyside6-lupdate finds the strings (in
# the window's context, where their translations are).
translate = QCoreApplication.translate


class StatusBar(QStatusBar):
    """The state's detail on the left (empty when there is none); demo mode on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.state_label = QLabel()
        self.state_label.setObjectName("stateLabel")
        self.demo_label = QLabel(translate("MainWindow", "Demo mode (local server)"))
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setToolTip(
            translate(
                "MainWindow",
                "Talking to a local server on this computer; nothing leaves the machine.",
            )
        )
        self.demo_label.hide()
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.demo_label)
        follow_palette(
            self,
            lambda: (
                f"QLabel#demoLabel {{ color: {hex_of('demo.fg')}; font-weight: bold; }}"
                "QStatusBar QLabel { padding: 0px 6px; } QStatusBar::item { border: none; }"
            ),
        )

    def show_state(self, state: SessionState, detail: Message | None = None) -> None:
        """``detail`` (from the Qt-free layers), or nothing: the pill names the state.
        While reconnecting, the connection banner says why and counts down: nothing here."""
        waiting = state is SessionState.RECONNECTING
        self.state_label.setText("" if detail is None or waiting else message_text(detail))

    def set_demo_mode(self, demo: bool) -> None:
        self.demo_label.setVisible(demo)
