"""The history dialog: every past conversation by its title, full-text search across
them, reading, copying and exporting one, deleting one (with undo), and going on with
one ("Continue this conversation")."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.export import to_json, to_markdown, turn_sources, turn_text, write_export
from gemini_desk.core.history import (
    ConversationSummary,
    HistoryListing,
    empty_trash,
    load_turns,
    move_to_trash,
    restore_from_trash,
    scan_conversations,
    tool_record,
)
from gemini_desk.core.history_index import HistoryIndex
from gemini_desk.ui.buttons import plain_buttons
from gemini_desk.ui.focus import chain
from gemini_desk.ui.history_list import ConversationList, title_text
from gemini_desk.ui.history_turns import TurnList, tool_call_text
from gemini_desk.ui.tool_row import SourcesList

__all__ = ["HistoryDialog", "tool_call_text"]

log = logging.getLogger("gemini_desk.ui")


class HistoryDialog(QDialog):
    """Lists stored conversations (newest first, or the ones matching a search, best
    first) and shows the chosen one's turns.

    The search runs over ``index_path`` (SQLite FTS5, see core/history_index.py; None:
    an index in memory), refreshed from the files each time the dialog opens. Deleting
    moves the file aside until the dialog closes; Undo brings it back.

    Signals:
        exported(str): a conversation was written to this path.
        copied(str): this turn text was put on the clipboard.
        continueRequested(object): go on with the conversation stored at this Path.
    """

    exported = Signal(str)
    copied = Signal(str)
    continueRequested = Signal(object)

    def __init__(
        self, directory: Path, parent: QWidget | None = None, index_path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conversation history"))
        self.setObjectName("historyDialog")
        self._directory = directory
        self._summaries: list[ConversationSummary] = []
        self._hit_turns: list[int] = []  # per row in a search: the matching turn
        self._file_dialog: QFileDialog | None = None
        self._trashed: Path | None = None  # the last deletion, while it can be undone
        self._index: HistoryIndex | None = None
        try:
            empty_trash(directory)  # what an earlier dialog left behind
            self._index = HistoryIndex(index_path, directory)
        except OSError as exc:
            log.warning("conversation search unavailable: %r", exc)

        self.conversations = ConversationList()
        self.conversations.searchChanged.connect(self._on_search)
        self.conversations.chosen.connect(self._on_conversation_chosen)
        self.conversation_list = self.conversations.list
        self.search_field = self.conversations.search
        if self._index is None:
            self.search_field.setEnabled(False)
            self.search_field.setToolTip(self.tr("Search is not available: see the log."))
        self.title_label = QLabel()
        self.title_label.setObjectName("conversationTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.turn_list = TurnList()
        self.turn_list.currentRowChanged.connect(self._on_turn_chosen)
        self.sources = SourcesList()  # the chosen answer's web sources, as links
        self.empty_label = QLabel(self.tr("No conversations yet. Finished turns appear here."))
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo_button = QPushButton(self.tr("&Undo"))
        self.undo_button.setObjectName("undoDelete")
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_button.hide()

        self.continue_button = QPushButton(self.tr("Co&ntinue this conversation"))
        self.continue_button.setObjectName("continueConversation")
        self.continue_button.setToolTip(
            self.tr("Show it in the window; what you say next is added to it.")
        )
        self.continue_button.clicked.connect(self._on_continue)
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.delete_button.setObjectName("deleteConversation")
        self.delete_button.clicked.connect(self.delete_current)
        self.copy_button = QPushButton(self.tr("&Copy turn"))
        self.copy_button.setToolTip(self.tr("Copy the chosen turn's text (Ctrl+C)"))
        self.copy_button.clicked.connect(self.copy_current_turn)
        self.markdown_button = QPushButton(self.tr("Export &Markdown…"))
        self.markdown_button.clicked.connect(lambda: self._choose_export("md"))
        self.json_button = QPushButton(self.tr("Export &JSON…"))
        self.json_button.clicked.connect(lambda: self._choose_export("json"))
        copy_shortcut = QShortcut(QKeySequence.StandardKey.Copy, self.turn_list)
        copy_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy_shortcut.activated.connect(self.copy_current_turn)
        delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.conversation_list)
        delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_shortcut.activated.connect(self.delete_current)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addLayout(head)
        right_layout.addWidget(self.empty_label)
        right_layout.addWidget(self.turn_list, 1)
        right_layout.addWidget(self.sources)
        actions = QHBoxLayout()
        actions.addWidget(self.copy_button)
        actions.addWidget(self.markdown_button)
        actions.addWidget(self.json_button)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)
        right_layout.addLayout(actions)
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.undo_button)
        right_layout.addLayout(status)
        splitter = QSplitter()
        splitter.addWidget(self.conversations)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 600])
        close = plain_buttons(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.finished.connect(self._on_finished)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        chain(
            [
                self.search_field,
                self.conversation_list,
                self.continue_button,
                self.turn_list,
                self.copy_button,
                self.markdown_button,
                self.json_button,
                self.delete_button,
                self.undo_button,
                *close.buttons(),
            ]
        )
        self.resize(940, 580)
        self.reload()

    # --- public ---------------------------------------------------------------------
    @property
    def summaries(self) -> list[ConversationSummary]:
        return list(self._summaries)

    @property
    def turns(self) -> list[dict[str, Any]]:
        return list(self.turn_list.turns)

    def reload(self) -> None:
        """Read the conversation folder again and show what the search asks for (every
        conversation, newest first, when there are no words). A file that cannot be read
        at all is listed (greyed) as damaged; the others work."""
        listing = self._listing()
        self.empty_label.setVisible(not listing.conversations)
        if self.conversations.words and self._index is not None:
            self._on_search(self.conversations.words)
        else:
            self._summaries, self._hit_turns = listing.conversations, []
            self.conversations.show_listing(listing)
        self.search_field.setFocus()

    def search(self, words: str) -> None:
        """Search for ``words`` as if typed in the search field (at once)."""
        self.search_field.setText(words)
        self._on_search(words)

    def copy_current_turn(self) -> None:
        """Put the chosen turn's words (a tool call's row) on the clipboard."""
        turn = self.turn_list.current_turn()
        if turn is None:
            return
        record = tool_record(turn)
        text = tool_call_text(record) if record is not None else turn_text(turn)
        QGuiApplication.clipboard().setText(text)
        self.status_label.setText(self.tr("Copied the turn's text."))
        self.undo_button.hide()
        self.copied.emit(text)

    def delete_current(self) -> None:
        """Delete the chosen conversation; Undo brings it back until the dialog closes."""
        summary = self._current_summary()
        if summary is None:
            return
        self._finish_pending_delete()
        try:
            self._trashed = move_to_trash(summary.path)
        except OSError as exc:
            log.warning("could not delete a conversation: %r", exc)
            self.status_label.setText(
                self.tr("Could not delete it: %1").replace("%1", exc.strerror or str(exc))
            )
            return
        if self._index is not None:
            self._index.forget(summary.path)
        row = self.conversation_list.currentRow()
        self.reload()
        self.conversation_list.setCurrentRow(min(row, len(self._summaries) - 1))
        self.status_label.setText(self.tr("Deleted “%1”.").replace("%1", title_text(summary)))
        self.undo_button.show()
        self.undo_button.setFocus()

    def undo_delete(self) -> None:
        """Bring the last deleted conversation back."""
        if self._trashed is None:
            return
        try:
            path = restore_from_trash(self._trashed)
        except OSError as exc:
            log.warning("could not undo a deletion: %r", exc)
            return
        self._trashed = None
        self.undo_button.hide()
        self.status_label.clear()
        self.reload()
        names = [s.path for s in self._summaries]
        if path in names:
            self.conversation_list.setCurrentRow(names.index(path))
        self.conversation_list.setFocus()

    def export_to(self, path: Path, kind: str) -> None:
        """Write the chosen conversation as ``kind`` (``"md"`` or ``"json"``) to ``path``."""
        summary = self._current_summary()
        if summary is None:
            return
        title = self.tr("Conversation of %1").replace(
            "%1", time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.started_at))
        )
        turns = self.turns
        text = to_markdown(turns, title) if kind == "md" else to_json(turns, title)
        try:
            write_export(path, text)  # in one step, readable by the user only
        except OSError as exc:
            log.warning("export to %s failed: %r", path, exc)
            self.status_label.setText(
                self.tr("Could not write %1: %2")
                .replace("%1", str(path))
                .replace("%2", exc.strerror or type(exc).__name__)
            )
            return
        self.status_label.setText(self.tr("Saved to %1").replace("%1", str(path)))
        self.undo_button.hide()
        self.exported.emit(str(path))

    # --- slots --------------------------------------------------------------------
    def _listing(self) -> HistoryListing:
        if self._index is not None:
            try:
                self._index.refresh()
                return self._index.listing()
            except Exception as exc:  # sqlite3.Error: list from the files instead
                log.warning("history index failed, listing the files: %r", exc)
        return scan_conversations(self._directory)

    def _on_search(self, words: str) -> None:
        if not words or self._index is None:
            listing = self._listing()
            self._summaries, self._hit_turns = listing.conversations, []
            self.conversations.show_listing(listing)
            return
        hits = self._index.search(words)
        log.info("history search: %d conversations match", len(hits))
        self._summaries = [h.summary for h in hits]
        self._hit_turns = [h.turn for h in hits]
        self.conversations.show_hits(hits)

    def _on_conversation_chosen(self, row: int) -> None:
        summary = self._summaries[row] if 0 <= row < len(self._summaries) else None
        turns: list[dict[str, Any]] = []
        if summary is not None:
            try:
                turns = load_turns(summary.path)
            except OSError as exc:
                log.warning("cannot open conversation: %r", exc)
        self.title_label.setText(title_text(summary) if summary is not None else "")
        current = self._hit_turns[row] if 0 <= row < len(self._hit_turns) else 0
        self.turn_list.show_turns(turns, current)
        self._on_turn_chosen(self.turn_list.currentRow())

    def _on_turn_chosen(self, _row: int) -> None:
        self.sources.set_sources(turn_sources(self.turn_list.current_turn() or {}))
        self._update_buttons()

    def _on_continue(self) -> None:
        summary = self._current_summary()
        if summary is not None:
            self.continueRequested.emit(summary.path)
            self.accept()

    def _on_finished(self, _result: int) -> None:
        self._finish_pending_delete()
        if self._index is not None:
            self._index.close()
            self._index = None

    def _finish_pending_delete(self) -> None:
        if self._trashed is not None:
            empty_trash(self._directory)
            self._trashed = None

    def _update_buttons(self) -> None:
        has_turns = bool(self.turn_list.turns)
        chosen = self._current_summary() is not None
        self.copy_button.setEnabled(self.turn_list.current_turn() is not None)
        self.markdown_button.setEnabled(has_turns)
        self.json_button.setEnabled(has_turns)
        self.continue_button.setEnabled(has_turns)
        self.delete_button.setEnabled(chosen)

    def _current_summary(self) -> ConversationSummary | None:
        row = self.conversation_list.currentRow()
        return self._summaries[row] if 0 <= row < len(self._summaries) else None

    def _choose_export(self, kind: str) -> None:
        summary = self._current_summary()
        if summary is None:
            return
        # open(), never exec() or the static helpers: they would nest an event loop.
        dialog = QFileDialog(self, self.tr("Export conversation"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(
            self.tr("Markdown (*.md)") if kind == "md" else self.tr("JSON (*.json)")
        )
        dialog.setDefaultSuffix(kind)
        dialog.selectFile(str(Path.home() / f"{summary.name}.{kind}"))
        dialog.fileSelected.connect(lambda name: self.export_to(Path(name), kind))
        dialog.finished.connect(dialog.deleteLater)
        self._file_dialog = dialog
        dialog.open()
