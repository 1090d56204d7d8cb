"""The History dialog's list of one conversation's turns: who, when, how fast, the
words; tool calls in the transcript's words, and an answer's search sources."""

from __future__ import annotations

import math
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFont, QTextLayout
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from gemini_desk.core.export import turn_sources, turn_text
from gemini_desk.core.history import tool_record
from gemini_desk.core.tools import ToolCallRecord
from gemini_desk.ui.demo_words import demo_words
from gemini_desk.ui.tool_row import (
    TOOL_GLYPH,
    args_json,
    args_text,
    duration_text,
    elide,
    source_text,
    state_text,
)

__all__ = ["TurnList", "WholeLines", "tool_call_text"]

translate = QCoreApplication.translate
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


class WholeLines(QStyledItemDelegate):
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


class TurnList(QListWidget):
    """Shows stored turns, one row each, with details in the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("turnList")
        self.setAccessibleName(translate("HistoryDialog", "Turns of the chosen conversation"))
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setItemDelegate(WholeLines(self))
        self.turns: list[dict[str, Any]] = []

    def show_turns(self, turns: list[dict[str, Any]], current: int = 0) -> None:
        """Show ``turns`` and choose the one at ``current``."""
        self.turns = turns
        self.clear()
        for turn in turns:
            item = QListWidgetItem(describe(turn))
            item.setToolTip(details(turn))
            self.addItem(item)
        if turns:
            row = min(max(current, 0), len(turns) - 1)
            self.setCurrentRow(row)
            self.scrollToItem(self.item(row), QListWidget.ScrollHint.PositionAtCenter)

    def current_turn(self) -> dict[str, Any] | None:
        row = self.currentRow()
        return self.turns[row] if 0 <= row < len(self.turns) else None


def describe(turn: dict[str, Any]) -> str:
    """A turn's row: "You · 12:00:03, answered after 412 ms" and its words."""
    record = tool_record(turn)
    if record is not None:
        return tool_call_text(record)
    role = str(turn.get("role", ""))
    you, gemini = translate("HistoryDialog", "You"), translate("HistoryDialog", "Gemini")
    who = you if role == "user" else gemini
    started = turn.get("started_at")
    when = (
        time.strftime("%H:%M:%S", time.localtime(started))
        if isinstance(started, int | float)
        else ""
    )
    notes = [when]
    latency = turn.get("latency_ms")
    if isinstance(latency, int | float):
        notes.append(
            translate("HistoryDialog", "answered after %1 ms").replace("%1", f"{latency:.0f}")
        )
    if turn.get("interrupted"):
        notes.append(translate("HistoryDialog", "interrupted"))
    head = f"{who} · " + ", ".join(n for n in notes if n)
    body = demo_words(turn_text(turn)) or translate("HistoryDialog", "(nothing was transcribed)")
    text = f"{head}\n{body}"
    if found := turn_sources(turn):
        titles = " · ".join(title for title, _uri in found)
        text += "\n" + translate("HistoryDialog", "Sources: %1").replace("%1", titles)
    return text


def details(turn: dict[str, Any]) -> str:
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
