"""The history dialog: past conversations to reopen and read, export, and copy from;
tool calls in the transcript's words, and an answer's search sources as links."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut, QTextLayout
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.export import to_json, to_markdown, turn_sources, turn_text, write_export
from gemini_desk.core.history import (
    ConversationSummary,
    load_turns,
    scan_conversations,
    tool_record,
)
from gemini_desk.core.tools import ToolCallRecord
from gemini_desk.ui.tool_row import (
    TOOL_GLYPH,
    SourcesList,
    args_json,
    args_text,
    duration_text,
    elide,
    source_text,
    state_text,
)

log = logging.getLogger("gemini_desk.ui")
translate = QCoreApplication.translate  # the tool words as the transcript's rows say them

_SUMMARY_CHARS = 300  # as the transcript's tool rows shorten a result


def tool_call_text(record: ToolCallRecord) -> str:
    """A stored tool call as the transcript's row shows it: "⚙ name(args) · state · 12 ms",
    then "→ summary" on a line of its own (when there is one)."""
    args = args_text(record.args)
    parts = [f"{TOOL_GLYPH} {record.name}" + (f"({args})" if args else ""), state_text(record)]
    duration = duration_text(record.duration_s) if record.state.final else ""
    line = " · ".join([*parts, duration] if duration else parts)
    summary = " ".join(record.summary.split())
    return f"{line}\n→ {elide(summary, _SUMMARY_CHARS)}" if summary else line


class _WholeLines(QStyledItemDelegate):
    """Rows tall enough for all their lines. Qt's item views stop laying out a wrapped
    text when the next line would not fit *if it were as tall as the one before*; after
    a line in a taller fallback font (CJK, emoji) the last, shorter line is then drawn
    as "…". Each row gets that difference to spare."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or "\n" not in text:
            return size
        heights = [_line_height(line, option.font) for line in ["", *text.split("\n")]]
        return size + QSize(0, max(heights) - min(heights))


def _line_height(text: str, font: QFont) -> int:
    """The height of ``text`` on one line in ``font``, fallback fonts included."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1_000_000)
    height = line.height()
    layout.endLayout()
    return math.ceil(height)


class HistoryDialog(QDialog):
    """Lists stored conversations (newest first) and shows the chosen one's turns.

    A tool call reads as it did in the transcript (name, arguments, state and why,
    duration, result); the chosen answer's search sources are links under the list
    (web pages only, opened in the browser).

    Signals:
        exported(str): a conversation was written to this path.
        copied(str): this turn text was put on the clipboard.
    """

    exported = Signal(str)
    copied = Signal(str)

    def __init__(self, directory: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conversation history"))
        self.setObjectName("historyDialog")
        self._directory = directory
        self._summaries: list[ConversationSummary] = []
        self._turns: list[dict[str, Any]] = []
        self._file_dialog: QFileDialog | None = None

        self.conversation_list = QListWidget()
        self.conversation_list.setObjectName("conversationList")
        self.conversation_list.setAccessibleName(self.tr("Past conversations"))
        self.conversation_list.currentRowChanged.connect(self._on_conversation_chosen)
        self.turn_list = QListWidget()
        self.turn_list.setObjectName("turnList")
        self.turn_list.setAccessibleName(self.tr("Turns of the chosen conversation"))
        self.turn_list.setWordWrap(True)
        self.turn_list.setAlternatingRowColors(True)
        self.turn_list.setItemDelegate(_WholeLines(self.turn_list))
        self.turn_list.currentRowChanged.connect(self._on_turn_chosen)
        # The chosen answer's web sources, as links (hidden when it has none).
        self.sources = SourcesList()
        self.empty_label = QLabel(self.tr("No conversations yet. Finished turns appear here."))
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

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

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("Conversations")))
        left_layout.addWidget(self.conversation_list, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.empty_label)
        right_layout.addWidget(self.turn_list, 1)
        right_layout.addWidget(self.sources)
        actions = QHBoxLayout()
        actions.addWidget(self.copy_button)
        actions.addStretch(1)
        actions.addWidget(self.markdown_button)
        actions.addWidget(self.json_button)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.status_label)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 620])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(900, 560)
        self.reload()

    # --- public ---------------------------------------------------------------------
    @property
    def summaries(self) -> list[ConversationSummary]:
        return list(self._summaries)

    @property
    def turns(self) -> list[dict[str, Any]]:
        return list(self._turns)

    def reload(self) -> None:
        """Read the conversation folder again (newest first) and show the newest. A file
        that cannot be read at all is listed (greyed) as damaged; the others work."""
        listing = scan_conversations(self._directory)
        self._summaries = listing.conversations
        self.conversation_list.clear()
        for summary in self._summaries:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.started_at))
            text = (
                self.tr("%1 — %2 turns\n%3")
                .replace("%1", when)
                .replace("%2", str(summary.turn_count))
                .replace("%3", summary.title)
            )
            if summary.damaged_lines:
                text += "\n" + self.tr("Lines that could not be read: %1").replace(
                    "%1", str(summary.damaged_lines)
                )
            item = QListWidgetItem(text)
            item.setToolTip(str(summary.path))
            self.conversation_list.addItem(item)
        for damaged in listing.damaged:  # after the good ones: their rows stay aligned
            item = QListWidgetItem(
                self.tr("%1 — damaged, cannot be shown").replace("%1", damaged.path.name)
            )
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(
                self.tr("Could not read it: %1").replace("%1", damaged.detail or str(damaged.path))
            )
            self.conversation_list.addItem(item)
        has_any = bool(self._summaries)
        self.empty_label.setVisible(not has_any)
        if has_any:
            self.conversation_list.setCurrentRow(0)
        else:
            self._show_turns([])
        self.conversation_list.setFocus()

    def copy_current_turn(self) -> None:
        """Put the chosen turn's words (a tool call's row) on the clipboard."""
        row = self.turn_list.currentRow()
        if not 0 <= row < len(self._turns):
            return
        turn = self._turns[row]
        record = tool_record(turn)
        text = tool_call_text(record) if record is not None else turn_text(turn)
        QGuiApplication.clipboard().setText(text)
        self.status_label.setText(self.tr("Copied the turn's text."))
        self.copied.emit(text)

    def export_to(self, path: Path, kind: str) -> None:
        """Write the chosen conversation as ``kind`` (``"md"`` or ``"json"``) to ``path``."""
        summary = self._current_summary()
        if summary is None:
            return
        title = self.tr("Conversation of %1").replace(
            "%1", time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.started_at))
        )
        text = to_markdown(self._turns, title) if kind == "md" else to_json(self._turns, title)
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
        self.exported.emit(str(path))

    # --- slots --------------------------------------------------------------------
    def _on_conversation_chosen(self, row: int) -> None:
        if not 0 <= row < len(self._summaries):
            self._show_turns([])
            return
        try:
            turns = load_turns(self._summaries[row].path)
        except OSError as exc:
            log.warning("cannot open conversation: %r", exc)
            turns = []
        self._show_turns(turns)

    def _show_turns(self, turns: list[dict[str, Any]]) -> None:
        self._turns = turns
        self.turn_list.clear()
        for turn in turns:
            item = QListWidgetItem(self._describe(turn))
            item.setToolTip(self._details(turn))
            self.turn_list.addItem(item)
        if turns:
            self.turn_list.setCurrentRow(0)
        self._on_turn_chosen(self.turn_list.currentRow())

    def _on_turn_chosen(self, row: int) -> None:
        chosen = self._turns[row] if 0 <= row < len(self._turns) else {}
        self.sources.set_sources(turn_sources(chosen))
        self._update_buttons()

    def _describe(self, turn: dict[str, Any]) -> str:
        record = tool_record(turn)
        if record is not None:
            return tool_call_text(record)
        role = str(turn.get("role", ""))
        who = self.tr("You") if role == "user" else self.tr("Gemini")
        started = turn.get("started_at")
        when = (
            time.strftime("%H:%M:%S", time.localtime(started))
            if isinstance(started, int | float)
            else ""
        )
        notes = [when]
        latency = turn.get("latency_ms")
        if isinstance(latency, int | float):
            notes.append(self.tr("answered after %1 ms").replace("%1", f"{latency:.0f}"))
        if turn.get("interrupted"):
            notes.append(self.tr("interrupted"))
        head = f"{who} · " + ", ".join(n for n in notes if n)
        text = f"{head}\n{turn_text(turn) or self.tr('(nothing was transcribed)')}"
        if found := turn_sources(turn):
            titles = " · ".join(title for title, _uri in found)
            text += "\n" + self.tr("Sources: %1").replace("%1", titles)
        return text

    def _details(self, turn: dict[str, Any]) -> str:
        """The tooltip: a tool call's origin, start and arguments in full; an answer's
        source addresses."""
        record = tool_record(turn)
        if record is None:
            found = turn_sources(turn)
            return "\n".join(f"{i}. {title} <{uri}>" for i, (title, uri) in enumerate(found, 1))
        lines = [translate("Tools", "From: %1").replace("%1", source_text(record.source))]
        if record.started_at > 0:
            started = time.strftime("%H:%M:%S", time.localtime(record.started_at))
            lines.append(translate("Tools", "Started: %1").replace("%1", started))
        if record.args:
            lines += [translate("Tools", "Arguments:"), args_json(record.args)]
        return "\n".join(lines)

    def _update_buttons(self, *_: object) -> None:
        has_turns = bool(self._turns)
        self.copy_button.setEnabled(0 <= self.turn_list.currentRow() < len(self._turns))
        self.markdown_button.setEnabled(has_turns)
        self.json_button.setEnabled(has_turns)

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
