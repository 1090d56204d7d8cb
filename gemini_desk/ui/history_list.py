"""The History dialog's left side: a search field over every conversation and the list
of conversations (each by its title), or of the ones that match."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.history import ConversationSummary, HistoryListing
from gemini_desk.core.history_index import SearchHit
from gemini_desk.ui.demo_words import demo_words
from gemini_desk.ui.history_turns import WholeLines

__all__ = ["ConversationList", "title_text"]

log = logging.getLogger("gemini_desk.ui")
translate = QCoreApplication.translate
SEARCH_DELAY_MS = 200  # typing pauses this long before the search runs


def title_text(summary: ConversationSummary) -> str:
    """The conversation's title as shown (its first line, or a note that it has none)."""
    return demo_words(summary.title) or translate("ConversationList", "(no words from you)")


def _when(summary: ConversationSummary) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.started_at))


class _SearchField(QLineEdit):
    """Enter runs the search at once; Down goes to the results."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class ConversationList(QWidget):
    """Search field, a line saying what the list shows, and the list.

    Signals:
        searchChanged(str): the words to search for changed (after a short pause, or at
            once on Enter); the dialog answers with :meth:`show_hits` or
            :meth:`show_listing` (empty words).
        chosen(int): the row chosen (-1: none).
    """

    searchChanged = Signal(str)
    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = _SearchField()
        self.search.setObjectName("historySearch")
        self.search.setPlaceholderText(self.tr("Search all conversations"))
        self.search.setAccessibleName(self.tr("Search all conversations"))
        self.search.setClearButtonEnabled(True)
        self.found_label = QLabel()
        self.found_label.setObjectName("foundLabel")
        self.found_label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName(translate("HistoryDialog", "Past conversations"))
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setItemDelegate(WholeLines(self.list))  # CJK titles keep every line
        self.list.currentRowChanged.connect(self.chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._emit_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.submitted.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.found_label)
        layout.addWidget(self.list, 1)

    @property
    def words(self) -> str:
        return self.search.text().strip()

    def show_listing(self, listing: HistoryListing, current: int = 0) -> None:
        """Every conversation (newest first), then the damaged files, greyed."""
        self.found_label.hide()
        self._fill(
            [self._row(s, "") for s in listing.conversations],
            current if listing.conversations else -1,
        )
        for damaged in listing.damaged:  # after the good ones: their rows stay aligned
            item = QListWidgetItem(
                translate("HistoryDialog", "%1 — damaged, cannot be shown").replace(
                    "%1", damaged.path.name
                )
            )
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(
                translate("HistoryDialog", "Could not read it: %1").replace(
                    "%1", damaged.detail or str(damaged.path)
                )
            )
            self.list.addItem(item)

    def show_hits(self, hits: list[SearchHit]) -> None:
        """The conversations that match, best first, each with the words it matched."""
        if hits:
            text = self.tr("Conversations found: %1").replace("%1", str(len(hits)))
        else:
            text = self.tr("Nothing found for “%1”.").replace("%1", self.words)
        self.found_label.setText(text)
        self.found_label.show()
        self._fill([self._row(h.summary, h.snippet) for h in hits], 0 if hits else -1)

    # --- internals ---------------------------------------------------------------------
    def _row(self, summary: ConversationSummary, snippet: str) -> QListWidgetItem:
        turns = self.tr("Turns: %1").replace("%1", str(summary.turn_count))
        lines = [title_text(summary), f"{_when(summary)} · {turns}"]
        if snippet and snippet != summary.title:  # the words found, unless the title
            lines.append(f"“{snippet}”")
        if summary.damaged_lines:
            lines.append(
                translate("HistoryDialog", "Lines that could not be read: %1").replace(
                    "%1", str(summary.damaged_lines)
                )
            )
        item = QListWidgetItem("\n".join(lines))
        item.setToolTip(str(summary.path))
        return item

    def _fill(self, items: list[QListWidgetItem], current: int) -> None:
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for item in items:
            self.list.addItem(item)
        self.list.setCurrentRow(current)
        self.list.blockSignals(blocked)
        self.chosen.emit(self.list.currentRow())

    def _emit_search(self) -> None:
        self.searchChanged.emit(self.words)

    def _submit(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._emit_search()
        if self.list.count():
            self.list.setFocus()
