"""Help > Keyboard shortcuts: every shortcut of the window, read from its actions and labels."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ShortcutsDialog", "collect_shortcuts", "plain"]


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


def _menu_shortcuts(menu: QMenu, path: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            rows += _menu_shortcuts(sub, f"{path} > {plain(sub.title())}")
            continue
        keys = _keys(action)
        if keys:
            rows.append((f"{path} > {plain(action.text())}", keys))
    return rows


def _keys(action: QAction) -> str:
    return ", ".join(
        s.toString(QKeySequence.SequenceFormat.NativeText)
        for s in action.shortcuts()
        if not s.isEmpty()
    )


def collect_shortcuts(
    window: QMainWindow, extra: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """(what, keys) rows: menu actions with shortcuts, then Alt+letter mnemonics of the
    window's labelled controls, then ``extra`` (e.g. the global talk and mute keys)."""
    rows: list[tuple[str, str]] = []
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            rows += _menu_shortcuts(menu, plain(menu.title()))
    alt = QKeySequence("Alt+A").toString(QKeySequence.SequenceFormat.NativeText)[:-1]
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
                rows.append((what, alt + letter))
    rows += list(extra or [])
    return rows


class ShortcutsDialog(QDialog):
    """A read-only table of shortcuts; open it with ``open()`` or ``show()``."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the Close button
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            item = QTableWidgetItem(keys)
            item.setTextAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            self.table.setItem(row, 1, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 460)

    def rows(self) -> list[tuple[str, str]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1)) for r in range(self.table.rowCount())]
