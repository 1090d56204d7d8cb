"""The approval card: a tool the user set to "ask" wants to run; allow it once, always, or
deny it. Non-modal, inside the main window; several requests wait their turn."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.tools import ApprovalRequest
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.theme import follow_palette
from gemini_desk.ui.tool_row import TOOL_GLYPH, args_json, elide, source_text, value_text

__all__ = ["DECISIONS", "ApprovalCard"]

DECISIONS: tuple[str, ...] = ("once", "always", "deny")
# Keys and clicks count only this long after a request shows: an Enter meant for the
# text box, or a double press, must not answer a request the user has not seen.
ARM_DELAY_S = 0.5
_MAX_ARG_ROWS = 6
_VALUE_CHARS = 90
_DESCRIPTION_CHARS = 240


@dataclass(frozen=True, slots=True)
class _Pending:
    request: ApprovalRequest
    deadline: float  # on the card's clock


class ApprovalCard(QFrame):
    """Asks the user about one tool call at a time; the others queue behind it.

    Signals:
        decided(str, str): the user answered: the call's id and ``"once"``,
            ``"always"`` or ``"deny"``. The request leaves the queue and the next shows.
        requestShown(ApprovalRequest): a request came to the front of the card (the
            first, the next after one was answered or withdrawn, or one replaced in
            place), whether or not the window is in sight.

    Keys (while the card has the focus): Enter allows once, Esc denies; Enter on the
    focused button presses that button. The card takes the focus when it appears in the
    active window and gives it back to where it was when the last request is gone. Keys
    and clicks are ignored for :data:`ARM_DELAY_S` after a request shows (see
    :meth:`ready`).
    The countdown shows how long until the request times out; the timeout itself is the
    caller's: it ends with :meth:`withdraw`.
    """

    decided = Signal(str, str)
    requestShown = Signal(object)  # ApprovalRequest

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._queue: list[_Pending] = []
        self._return_focus: QWidget | None = None
        self._armed_at = 0.0  # on the card's clock: when keys and clicks start to count
        self._shown_id = ""
        self.setObjectName("approvalCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        glyph = self._label("approvalGlyph")
        glyph.setText(TOOL_GLYPH)
        self.title_label = self._label("approvalTitle")
        self.countdown_label = self._label("approvalCountdown")
        self.source_label = self._label("approvalSource")
        self.description_label = self._label("approvalDescription")
        self.description_label.setWordWrap(True)
        self.args_box = QWidget(self)
        self.args_box.setObjectName("approvalArgs")
        self._args_grid = QGridLayout(self.args_box)
        self._args_grid.setContentsMargins(8, 2, 0, 2)
        self._args_grid.setHorizontalSpacing(10)
        self._args_grid.setVerticalSpacing(1)
        self._args_grid.setColumnStretch(1, 1)
        self.waiting_label = self._label("approvalWaiting")

        self.once_button = QPushButton(self.tr("Allow &once"), self)
        self.once_button.setObjectName("approvalOnce")
        self.always_button = QPushButton(self.tr("Al&ways allow"), self)
        self.always_button.setObjectName("approvalAlways")
        self.deny_button = QPushButton(self.tr("&Deny"), self)
        self.deny_button.setObjectName("approvalDeny")
        for button, decision in (
            (self.once_button, "once"),
            (self.always_button, "always"),
            (self.deny_button, "deny"),
        ):
            button.setAutoDefault(True)  # Enter presses the focused button
            button.clicked.connect(lambda _=False, d=decision: self._press(d))
        self.once_button.setDefault(True)
        self.setFocusProxy(self.once_button)

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(glyph)
        top.addWidget(self.title_label, 1)
        top.addWidget(self.countdown_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.waiting_label, 1)
        bottom.addWidget(self.once_button)
        bottom.addWidget(self.always_button)
        bottom.addWidget(self.deny_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 10, 8)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.source_label)
        layout.addWidget(self.description_label)
        layout.addWidget(self.args_box)
        layout.addLayout(bottom)
        follow_palette(self, _style)

        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._show_countdown)
        self.hide()

    # --- public -------------------------------------------------------------------------
    def add_request(self, request: ApprovalRequest) -> None:
        """Queue ``request``; the card appears if it was hidden. A request already
        queued (same call id) is replaced in place."""
        pending = _Pending(request, self._clock() + max(0.0, request.timeout_s))
        for i, queued in enumerate(self._queue):
            if queued.request.call_id == request.call_id:
                self._queue[i] = pending
                if i == 0:
                    self._shown_id = ""  # changed under the user's eyes: count from now
                    self._show_current()
                return
        self._queue.append(pending)
        if len(self._queue) == 1:
            self._appear()
        else:
            self._show_waiting()

    def withdraw(self, call_id: str) -> None:
        """The call was cancelled or timed out: forget it (the next request shows)."""
        self._remove(call_id)

    def decide(self, decision: str) -> None:
        """Answer the request on show (what the buttons and keys do)."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        if not self._queue:
            return
        call_id = self._queue[0].request.call_id
        self._remove(call_id)
        self.decided.emit(call_id, decision)

    def present(self) -> None:
        """The window was brought forward for the request on show: take the focus, and
        count keys and clicks only :data:`ARM_DELAY_S` from now (it was out of sight)."""
        if not self._queue:
            return
        focused = self.window().focusWidget()
        if self._return_focus is None and focused is not None and not self._owns(focused):
            self._return_focus = focused
        self._armed_at = self._clock() + ARM_DELAY_S
        self.once_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def ready(self) -> bool:
        """True once the request on show has been there long enough for keys and clicks
        to answer it."""
        return bool(self._queue) and self._clock() >= self._armed_at

    def current(self) -> ApprovalRequest | None:
        """The request on show (None when the card is hidden)."""
        return self._queue[0].request if self._queue else None

    def pending(self) -> list[str]:
        """The call ids waiting, the one on show first."""
        return [p.request.call_id for p in self._queue]

    def seconds_left(self) -> int:
        """Whole seconds until the request on show times out (0 when none)."""
        if not self._queue:
            return 0
        return max(0, math.ceil(self._queue[0].deadline - self._clock()))

    # --- Qt overrides --------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self._press("once")
        elif key == Qt.Key.Key_Escape:
            self._press("deny")
        else:
            super().keyPressEvent(event)

    # --- internals -----------------------------------------------------------------------
    def _press(self, decision: str) -> None:
        if self.ready():
            self.decide(decision)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # tool names and arguments are untrusted
        return label

    def _appear(self) -> None:
        window = self.window()
        focused = QApplication.focusWidget()
        take_focus = window.isActiveWindow()
        self._return_focus = focused if focused is not None and not self._owns(focused) else None
        self._show_current()
        self.show()
        self._timer.start()
        if take_focus:
            self.once_button.setFocus(Qt.FocusReason.OtherFocusReason)
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def _remove(self, call_id: str) -> None:
        index = next((i for i, p in enumerate(self._queue) if p.request.call_id == call_id), None)
        if index is None:
            return
        del self._queue[index]
        if self._queue:
            if index == 0:
                had_focus = self._owns(QApplication.focusWidget())
                self._show_current()
                if had_focus:
                    self.once_button.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self._show_waiting()
            return
        self._close()

    def _close(self) -> None:
        had_focus = self._owns(QApplication.focusWidget())
        self._timer.stop()
        self._shown_id = ""
        self.hide()
        back, self._return_focus = self._return_focus, None
        if (
            had_focus
            and back is not None
            and shiboken6.isValid(back)
            and back.isVisible()
            and back.isEnabled()
        ):
            back.setFocus(Qt.FocusReason.OtherFocusReason)

    def _owns(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self or self.isAncestorOf(widget))

    def _show_current(self) -> None:
        request = self._queue[0].request
        first_time = request.call_id != self._shown_id
        if first_time:
            self._shown_id = request.call_id
            self._armed_at = self._clock() + ARM_DELAY_S
        name = request.name
        self.title_label.setText(self.tr("Allow Gemini to use “%1”?").replace("%1", name))
        source = source_text(request.source)
        self.source_label.setText(self.tr("From: %1").replace("%1", source))
        description = " ".join(request.description.split())
        self.description_label.setText(elide(description, _DESCRIPTION_CHARS))
        self.description_label.setToolTip(
            description if len(description) > _DESCRIPTION_CHARS else ""
        )
        self.description_label.setVisible(bool(description))
        self._show_args(request)
        self.once_button.setAccessibleName(self.tr("Allow %1 once").replace("%1", name))
        self.always_button.setAccessibleName(self.tr("Always allow %1").replace("%1", name))
        self.deny_button.setAccessibleName(self.tr("Deny %1").replace("%1", name))
        self.setAccessibleName(self.tr("Approval needed: %1").replace("%1", name))
        parts = [self.source_label.text(), description]
        parts.append(args_json(request.args) if request.args else "")
        self.setAccessibleDescription("\n".join(p for p in parts if p))
        self._show_waiting()
        self._show_countdown()
        if first_time:
            self.requestShown.emit(request)

    def _show_args(self, request: ApprovalRequest) -> None:
        while self._args_grid.count():
            item = self._args_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        items = list(request.args.items())
        if not items:
            none = self._label("approvalNoArgs")
            none.setText(self.tr("No arguments."))
            self._args_grid.addWidget(none, 0, 0, 1, 2)
            return
        for row, (key, value) in enumerate(items[:_MAX_ARG_ROWS]):
            key_label = self._label("approvalArgName")
            key_label.setText(f"{key}:")
            key_label.setFont(mono)
            full = value_text(value)
            value_label = self._label("approvalArgValue")
            value_label.setText(elide(full, _VALUE_CHARS))
            value_label.setFont(mono)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value_label.setToolTip(args_json({key: value}) if len(full) > _VALUE_CHARS else "")
            value_label.setAccessibleName(f"{key}: {full}")
            self._args_grid.addWidget(key_label, row, 0, Qt.AlignmentFlag.AlignTop)
            self._args_grid.addWidget(value_label, row, 1)
        hidden = len(items) - _MAX_ARG_ROWS
        if hidden > 0:
            more = self._label("approvalMoreArgs")
            more.setText(self.tr("… and %1 more").replace("%1", str(hidden)))
            more.setToolTip(args_json(request.args))
            self._args_grid.addWidget(more, _MAX_ARG_ROWS, 0, 1, 2)

    def _show_waiting(self) -> None:
        more = len(self._queue) - 1
        self.waiting_label.setText(self.tr("%1 more waiting").replace("%1", str(more)))
        self.waiting_label.setVisible(more > 0)

    def _show_countdown(self) -> None:
        if not self._queue:
            return
        left = self.seconds_left()
        text = (
            self.tr("Denied in %1 s if you do not answer").replace("%1", str(left))
            if left > 0
            else self.tr("Time is up")
        )
        if self.countdown_label.text() != text:
            self.countdown_label.setText(text)


def _style() -> str:
    return (
        f"#approvalCard {{ background: {hex_of('approval.bg')};"
        f" border: 1px solid {hex_of('approval.border')}; border-radius: 8px; }}"
        f"#approvalCard QLabel {{ color: {hex_of('approval.fg')}; }}"
        "#approvalTitle { font-weight: bold; }"
        f"#approvalCard QLabel#approvalArgName {{ color: {hex_of('approval.arg.fg')}; }}"
    )
