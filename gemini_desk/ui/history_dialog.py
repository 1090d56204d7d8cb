"""The history dialog: past conversations to reopen and read, export, and copy from."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
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
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.export import to_json, to_markdown, turn_text
from gemini_desk.core.history import ConversationSummary, list_conversations, load_turns

log = logging.getLogger("gemini_desk.ui")

_SPEAKERS = {"user": "You", "model": "Gemini"}


class HistoryDialog(QDialog):
    """Lists stored conversations (newest first) and shows the chosen one's turns.

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
        self.turn_list.currentRowChanged.connect(self._update_buttons)
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
        """Read the conversation folder again (newest first) and show the newest."""
        self._summaries = list_conversations(self._directory)
        self.conversation_list.clear()
        for summary in self._summaries:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.started_at))
            item = QListWidgetItem(
                self.tr("%1 — %2 turns\n%3")
                .replace("%1", when)
                .replace("%2", str(summary.turn_count))
                .replace("%3", summary.title)
            )
            item.setToolTip(str(summary.path))
            self.conversation_list.addItem(item)
        has_any = bool(self._summaries)
        self.empty_label.setVisible(not has_any)
        if has_any:
            self.conversation_list.setCurrentRow(0)
        else:
            self._show_turns([])
        self.conversation_list.setFocus()

    def copy_current_turn(self) -> None:
        row = self.turn_list.currentRow()
        if not 0 <= row < len(self._turns):
            return
        text = turn_text(self._turns[row])
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
            path.write_text(text, encoding="utf-8")
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
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("cannot open conversation: %r", exc)
            turns = []
        self._show_turns(turns)

    def _show_turns(self, turns: list[dict[str, Any]]) -> None:
        self._turns = turns
        self.turn_list.clear()
        for turn in turns:
            self.turn_list.addItem(QListWidgetItem(self._describe(turn)))
        if turns:
            self.turn_list.setCurrentRow(0)
        self._update_buttons()

    def _describe(self, turn: dict[str, Any]) -> str:
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
        return f"{head}\n{turn_text(turn) or self.tr('(nothing was transcribed)')}"

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
