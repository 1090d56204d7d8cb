"""The one connection banner: why the app cannot connect, a live countdown to the next
attempt, and "Retry now"."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gemini_desk.core.desk_state import SessionStatus
from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId as M
from gemini_desk.ui.notices import Severity, notice_style
from gemini_desk.ui.theme import follow_palette

__all__ = ["ConnectionBanner", "cause_text"]

translate = QCoreApplication.translate


def cause_text(wait: M) -> str:
    """Why the app is waiting to connect, from the wait the reconnect machine chose."""
    causes = {
        M.RETRY_REFUSED: translate(
            "ConnectionBanner",
            "The Live service refused the connection: nothing answers at its address.",
        ),
        M.RETRY_DNS: translate(
            "ConnectionBanner", "The Live service's address could not be found (DNS)."
        ),
        M.RETRY_TLS: translate(
            "ConnectionBanner", "A secure (TLS) connection to the Live service failed."
        ),
        M.RETRY_NETWORK: translate(
            "ConnectionBanner", "This computer seems to be offline: no network route."
        ),
        M.RETRY_SERVER: translate("ConnectionBanner", "The Live service had a server error."),
        M.RETRY_QUOTA: translate(
            "ConnectionBanner", "The service says your quota or rate limit is reached."
        ),
        M.RETRY_LOST: translate("ConnectionBanner", "The connection was lost."),
        M.RETRY_SHORT_LIVED: translate(
            "ConnectionBanner", "The service keeps ending the connection right away."
        ),
    }
    return causes.get(wait, causes[M.RETRY_LOST])


class ConnectionBanner(QFrame):
    """Shown while a connection attempt waits: the real cause, "Retrying in N s" counting
    down once a second, and **Retry now**. Hidden once connected or disconnected.

    It ticks only while it counts down (never while hidden or idle).

    Signals:
        retryRequested(): the user asked to try again now.
    """

    retryRequested = Signal()

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self._clock = clock
        self._deadline: float | None = None
        self._attempt = 0
        self._was_connected = False
        self.title_label = QLabel(self)
        self.title_label.setObjectName("connectionTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.cause_label = QLabel(self)
        self.cause_label.setObjectName("connectionCause")
        self.cause_label.setWordWrap(True)
        self.cause_label.setTextFormat(Qt.TextFormat.PlainText)
        self.countdown_label = QLabel(self)
        self.countdown_label.setObjectName("connectionCountdown")
        self.retry_button = QPushButton(translate("ConnectionBanner", "Retry now"), self)
        self.retry_button.setObjectName("retryNow")
        self.retry_button.clicked.connect(self._on_retry)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.title_label)
        words.addWidget(self.cause_label)
        words.addWidget(self.countdown_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addLayout(words, 1)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        follow_palette(self, lambda: notice_style(Severity.WARNING, "connectionBanner"))
        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        self._tick.timeout.connect(self._update_countdown)
        self.hide()

    @property
    def seconds_left(self) -> int | None:
        """Whole seconds until the next attempt (None when not counting down)."""
        if self._deadline is None:
            return None
        return max(0, int(self._deadline - self._clock() + 0.999))

    def show_status(self, status: SessionStatus) -> None:
        """Follow the connection's state (the conversation's status model)."""
        if status.state is SessionState.CONNECTED:
            self._was_connected = True
        if status.state in (SessionState.CONNECTED, SessionState.DISCONNECTED):
            if status.state is SessionState.DISCONNECTED:
                self._was_connected = False
            self._stop()
            return
        if status.state is not SessionState.RECONNECTING or status.detail is None:
            return  # connecting, closing: what is on show stays
        retry = status.retry
        self.title_label.setText(
            translate("ConnectionBanner", "Connection lost")
            if self._was_connected
            else translate("ConnectionBanner", "Cannot connect")
        )
        self.cause_label.setText(cause_text(status.detail.id))
        self.setAccessibleName(self.title_label.text())
        self.setAccessibleDescription(self.cause_label.text())
        if retry is not None and retry.attempt != self._attempt:
            self._attempt = retry.attempt
            self._deadline = self._clock() + retry.seconds
            self.retry_button.setEnabled(True)
        self._update_countdown()
        self.show()

    # --- internals ----------------------------------------------------------------------
    def _update_countdown(self) -> None:
        left = self.seconds_left
        if left is None or left <= 0:
            self.countdown_label.setText(translate("ConnectionBanner", "Trying again now…"))
            return
        self.countdown_label.setText(
            translate("ConnectionBanner", "Retrying in %1 s").replace("%1", str(left))
        )
        # Next tick when the whole second changes.
        assert self._deadline is not None
        until = (self._deadline - self._clock()) % 1.0 or 1.0
        self._tick.start(max(50, int(until * 1000) + 1))

    def _on_retry(self) -> None:
        self._deadline = None
        self._tick.stop()
        self.retry_button.setEnabled(False)
        self.countdown_label.setText(translate("ConnectionBanner", "Trying again now…"))
        self.retryRequested.emit()

    def _stop(self) -> None:
        self._deadline = None
        self._attempt = 0
        self._tick.stop()
        self.hide()
