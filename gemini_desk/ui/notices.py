"""Notices in the window: information, warnings and errors, each in its own style,
each clearing itself when the condition it reports ends."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.theme import follow_palette

__all__ = [
    "Condition",
    "NoticeArea",
    "NoticeRow",
    "Severity",
    "notice_colours",
    "notice_style",
]

translate = QCoreApplication.translate
MAX_SHOWN = 3  # older notices beyond this go (the newest matter most)


class Severity(enum.Enum):
    INFO = "info"  # something to know: not announced as a problem
    WARNING = "warning"  # something did not work as asked, and may need the user
    ERROR = "error"  # something failed


class Condition(enum.Enum):
    """What ends a notice's reason to be there (the window reports these)."""

    CONNECTING = "connecting"  # a connection attempt started
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    SHARING = "sharing"  # a share started
    UNMUTED = "unmuted"
    AUDIO_BACK = "audio_back"  # the audio devices opened (again)


def notice_colours(severity: Severity) -> tuple[str, str, str]:
    """(background, border, text) of a notice of ``severity`` in the current palette
    (``notice.<severity>.*`` in :mod:`gemini_desk.ui.colours`, where the text/background
    pair is held to WCAG AA in light and dark)."""
    name = f"notice.{severity.value}"
    return hex_of(f"{name}.bg"), hex_of(f"{name}.border"), hex_of(f"{name}.fg")


def notice_style(severity: Severity, name: str) -> str:
    """The style sheet of a frame called ``name`` showing a notice of ``severity``."""
    bg, border, text = notice_colours(severity)
    return (
        f"#{name} {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; }}"
        f"#{name} QLabel {{ color: {text}; background: transparent; }}"
    )


def severity_name(severity: Severity) -> str:
    """What a screen reader says a notice is."""
    return {
        Severity.INFO: translate("Notices", "Information"),
        Severity.WARNING: translate("Notices", "Warning"),
        Severity.ERROR: translate("Notices", "Error"),
    }[severity]


@dataclass(frozen=True, slots=True)
class _Spec:
    key: str
    text: str
    severity: Severity
    action_label: str
    action: str | None
    clears_on: frozenset[Condition]


class NoticeRow(QFrame):
    """One notice: its text, an optional action button, and Dismiss."""

    def __init__(self, spec: _Spec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("notice")
        self.setProperty("severity", spec.severity.value)
        self.label = QLabel(spec.text, self)
        self.label.setObjectName("noticeText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton(spec.action_label, self)
        self.action_button.setObjectName("noticeAction")
        self.action_button.setVisible(spec.action is not None)
        self.dismiss_button = QPushButton(translate("Notices", "Dismiss"), self)
        self.dismiss_button.setObjectName("noticeDismiss")
        kind = severity_name(spec.severity)
        dismiss = translate("Notices", "Dismiss %1").replace("%1", kind)
        self.dismiss_button.setAccessibleName(dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.setSpacing(8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.dismiss_button)
        self.setAccessibleName(kind)
        self.setAccessibleDescription(spec.text)
        follow_palette(self, lambda: notice_style(spec.severity, "notice"))


class NoticeArea(QWidget):
    """The notices on show, newest first; one per key (a new one replaces it).

    A notice goes when the user dismisses it, when :meth:`condition` reports one of its
    ``clears_on`` conditions, or with :meth:`clear`. Only errors are announced to screen
    readers as alerts; information and warnings are read as what they are.

    Signals:
        actionTriggered(str): a notice's action button was clicked (its action id).
    """

    actionTriggered = Signal(str)
    changed = Signal()  # notices came or went

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notices")
        self._rows: list[NoticeRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.hide()

    # --- what is on show ----------------------------------------------------------
    @property
    def rows(self) -> list[NoticeRow]:
        """The notices on show, newest first."""
        return list(self._rows)

    @property
    def message(self) -> str:
        """The newest notice's text ("" when none)."""
        return self._rows[0].spec.text if self._rows else ""

    def texts(self, severity: Severity | None = None) -> list[str]:
        return [r.spec.text for r in self._rows if severity in (None, r.spec.severity)]

    def severity_of(self, text: str) -> Severity | None:
        return next((r.spec.severity for r in self._rows if r.spec.text == text), None)

    # --- changes ------------------------------------------------------------------------
    def show_notice(
        self,
        key: str,
        text: str,
        severity: Severity,
        action_label: str = "",
        action: str | None = None,
        clears_on: frozenset[Condition] = frozenset(),
    ) -> NoticeRow:
        """Show ``text``; a notice with the same ``key`` is replaced."""
        self._remove(lambda r: r.spec.key == key)
        spec = _Spec(key, text, severity, action_label, action, clears_on)
        row = NoticeRow(spec, self)
        row.action_button.clicked.connect(lambda: self._on_action(row))
        row.dismiss_button.clicked.connect(lambda: self._dismiss(row))
        self._rows.insert(0, row)
        self._layout.insertWidget(0, row)
        while len(self._rows) > MAX_SHOWN:
            self._drop(self._rows[-1])
        self.show()
        if severity is Severity.ERROR:
            QAccessible.updateAccessibility(QAccessibleEvent(row, QAccessible.Event.Alert))
        self.changed.emit()
        return row

    def condition(self, what: Condition) -> None:
        """``what`` happened: the notices it ends go."""
        self._remove(lambda r: what in r.spec.clears_on)

    def clear_key(self, key: str) -> None:
        self._remove(lambda r: r.spec.key == key)

    def clear(
        self,
        severities: tuple[Severity, ...] = tuple(Severity),
        ending: Condition | None = None,
    ) -> None:
        """Remove the notices of ``severities`` (only those ``ending`` ends, if given)."""

        def which(row: NoticeRow) -> bool:
            ends = ending is None or ending in row.spec.clears_on
            return row.spec.severity in severities and ends

        self._remove(which)

    # --- internals ----------------------------------------------------------------------
    def _remove(self, which: Callable[[NoticeRow], bool]) -> None:
        gone = [r for r in self._rows if which(r)]
        for row in gone:
            self._drop(row)
        if gone:
            self.changed.emit()

    def _drop(self, row: NoticeRow) -> None:
        self._rows.remove(row)
        focused = QApplication.focusWidget()
        had_focus = focused is not None and row.isAncestorOf(focused)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        self.setVisible(bool(self._rows))
        if had_focus and self._rows:
            self._rows[0].dismiss_button.setFocus()

    def _on_action(self, row: NoticeRow) -> None:
        if row.spec.action is not None:
            self.actionTriggered.emit(row.spec.action)

    def _dismiss(self, row: NoticeRow) -> None:
        if row in self._rows:
            self._drop(row)
            self.changed.emit()
