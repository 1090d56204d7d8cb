"""Help > Keyboard shortcuts: every shortcut of the window, read from its actions and
labels, as a grouped list of actions and their keys."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.ui.buttons import plain_buttons

__all__ = ["ShortcutsDialog", "collect_groups", "collect_shortcuts", "plain"]


def plain(text: str) -> str:
    """Menu text without mnemonics and trailing dots: ``"&Settings…"`` -> ``"Settings"``
    (and ``"设置(&S)…"`` -> ``"设置"``: CJK translations put the letter in brackets)."""
    text = re.sub(r"\s*[(\uff08]&\w[)\uff09]", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…: \uff1a").strip()


def _mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` (``"&Talk:"`` -> ``"T"``), if any."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].upper()
            i += 1
        i += 1
    return None


Rows = list[tuple[str, str]]
Group = tuple[str, Rows]  # (heading, (what, keys) rows)


def _menu_shortcuts(menu: QMenu) -> Rows:
    rows: Rows = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            rows += _menu_shortcuts(sub)
            continue
        keys = _keys(action)
        if keys:
            rows.append((plain(action.text()), keys))
    return rows


def _keys(action: QAction) -> str:
    return ", ".join(
        s.toString(QKeySequence.SequenceFormat.NativeText)
        for s in action.shortcuts()
        if not s.isEmpty()
    )


def collect_groups(window: QMainWindow, extra: list[Group] | None = None) -> list[Group]:
    """Shortcut groups: one per menu (its actions with shortcuts), then the Alt+letter
    keys of the window's labelled controls, then ``extra`` (e.g. the global talk and
    mute keys). Empty groups are left out."""
    groups: list[Group] = []
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            groups.append((plain(menu.title()), _menu_shortcuts(menu)))
    alt = QKeySequence("Alt+A").toString(QKeySequence.SequenceFormat.NativeText)[:-1]
    controls: Rows = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or isinstance(widget, QAbstractButton):
            assert isinstance(widget, QLabel | QAbstractButton)
            letter = _mnemonic(widget.text())
            buddy = widget.buddy() if isinstance(widget, QLabel) else None
            what = (buddy.accessibleName() if buddy is not None else "") or plain(widget.text())
            if letter:
                controls.append((what, alt + letter))
    groups.append((QCoreApplication.translate("ShortcutsDialog", "In the window"), controls))
    groups += list(extra or [])
    return [(title, rows) for title, rows in groups if rows]


def collect_shortcuts(window: QMainWindow, extra: list[Group] | None = None) -> Rows:
    """Every (what, keys) row of :func:`collect_groups`, in order."""
    return [row for _title, rows in collect_groups(window, extra) for row in rows]


_KEYCAP = """
QLabel#keycap {
    border: 1px solid palette(mid); border-bottom-width: 2px; border-radius: 4px;
    padding: 0px 6px; background: palette(base); color: palette(text);
}
QLabel#shortcutGroup { font-weight: bold; }
"""


class ShortcutsDialog(QDialog):
    """Actions and their keys, grouped (one group per menu, the window's own keys,
    and the keys that work in other apps too); open it with ``open()`` or ``show()``."""

    def __init__(self, groups: list[Group], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setStyleSheet(_KEYCAP)
        self._groups = groups
        page = QWidget()
        page.setObjectName("shortcutsPage")
        grid = QGridLayout(page)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(0, 1)
        row = 0
        for title, rows in groups:
            if row:
                grid.setRowMinimumHeight(row, 8)  # a gap before each group but the first
                row += 1
            heading = QLabel(title)
            heading.setObjectName("shortcutGroup")
            grid.addWidget(heading, row, 0, 1, 2)
            row += 1
            for what, keys in rows:
                label = QLabel(what)  # one line: wrapped rows were squeezed at 200 %
                grid.addWidget(label, row, 0)
                grid.addLayout(self._keycaps(what, keys), row, 1)
                row += 1
        grid.setRowStretch(row, 1)
        self.list_area = QScrollArea()
        self.list_area.setObjectName("shortcutsList")
        self.list_area.setWidgetResizable(True)
        self.list_area.setFrameShape(QFrame.Shape.NoFrame)
        self.list_area.setWidget(page)
        self.list_area.setAccessibleName(self.tr("Keyboard shortcuts"))
        buttons = plain_buttons(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list_area, 1)
        layout.addWidget(buttons)
        width = page.sizeHint().width() + self.list_area.verticalScrollBar().sizeHint().width()
        self.resize(max(560, width + 40), 520)

    def _keycaps(self, what: str, keys: str) -> QHBoxLayout:
        """``Ctrl+Alt+Space`` as three key caps; alternatives (``a, b``) side by side."""
        box = QHBoxLayout()
        box.setSpacing(3)
        box.addStretch(1)
        for n, combo in enumerate(k.strip() for k in keys.split(", ")):
            if n:
                box.addSpacing(10)
            parts = [p for p in re.split(r"(?<!^)\+(?!$)", combo) if p] or [combo]
            for i, part in enumerate(parts):
                if i:
                    box.addWidget(QLabel("+"))
                cap = QLabel(part)
                cap.setObjectName("keycap")
                cap.setAccessibleName(f"{what}: {keys}" if (n, i) == (0, 0) else part)
                box.addWidget(cap)
        return box

    def groups(self) -> list[Group]:
        return list(self._groups)

    def rows(self) -> Rows:
        return [row for _title, rows in self._groups for row in rows]
