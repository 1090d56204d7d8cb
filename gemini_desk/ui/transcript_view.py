"""Live transcript: a scrolling column of turn bubbles that update as text streams in,
tool calls as compact rows between them, and an answer's search sources under it."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.grounding import sources_of
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.turn_reasons import BlockedBy, blocked_by
from gemini_desk.ui.tool_row import SourcesList, ToolRow

# Within this many pixels of the bottom counts as "at the bottom" (follow new text).
_STICKY_PX = 8
_BUBBLE_WIDTH_FRACTION = 0.78


# Called as translate("TranscriptView", "...") so that pyside6-lupdate finds the strings.
translate = QCoreApplication.translate


def blocked_text(reason: str) -> str:
    """The plain-language line for an answer the service withheld ("" if not blocked)."""
    kind = blocked_by(reason)
    if kind is None:
        return ""
    words = {
        BlockedBy.INPUT: translate(
            "TranscriptView",
            "No answer: the service blocked the request because of what it contained.",
        ),
        BlockedBy.OUTPUT: translate(
            "TranscriptView", "The answer was blocked by the service's safety checks."
        ),
        BlockedBy.REJECTED: translate("TranscriptView", "The model declined to answer."),
        BlockedBy.TOOL_CALL: translate(
            "TranscriptView", "The answer stopped: the model made a malformed tool call."
        ),
        BlockedBy.OTHER: translate("TranscriptView", "The service withheld the answer."),
    }
    return words[kind]


class _Bubble(QFrame):
    """One turn: a small header line (who, when, latency, interrupted) and the text."""

    def __init__(self, turn: Turn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.turn = turn
        self._max_width = 400
        self.setObjectName("userBubble" if turn.role is Role.USER else "modelBubble")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.header = QLabel(self)
        self.header.setObjectName("bubbleHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.body = QLabel(self)
        self.body.setObjectName("bubbleBody")
        # Plain text: transcripts are untrusted and must never be parsed as HTML.
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # Live caption: what the service thinks the user is saying, until the final text.
        self.caption = QLabel(self)
        self.caption.setObjectName("bubbleCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.hide()
        # Why the answer was withheld, in words (safety block, rejection).
        self.notice = QLabel(self)
        self.notice.setObjectName("bubbleNotice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.hide()
        # The web pages a grounded answer drew on, as links.
        self.sources = SourcesList(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        layout.addWidget(self.caption)
        layout.addWidget(self.notice)
        layout.addWidget(self.sources)
        self.refresh()

    def refresh(self) -> None:
        turn = self.turn
        who = (
            translate("TranscriptView", "You")
            if turn.role is Role.USER
            else translate("TranscriptView", "Gemini")
        )
        parts = [who, time.strftime("%H:%M:%S", time.localtime(turn.started_at))]
        if turn.typed:
            parts.append(translate("TranscriptView", "typed"))
        if turn.role is Role.MODEL and turn.latency_ms is not None:
            latency = translate("TranscriptView", "latency %1 ms")
            parts.append(latency.replace("%1", f"{turn.latency_ms:.0f}"))
        if turn.interrupted:
            parts.append(translate("TranscriptView", "(interrupted)"))
        header = " · ".join(parts)
        if self.header.text() != header:
            self.header.setText(header)
        waiting = not turn.text and not turn.finished and not turn.interim
        body = turn.text if turn.text or turn.finished else ("…" if waiting else "")
        if self.body.text() != body:
            self.body.setText(body)
        self.body.setVisible(bool(body))
        if self.caption.text() != turn.interim:
            self.caption.setText(turn.interim)
        self.caption.setVisible(bool(turn.interim))
        notice = blocked_text(turn.blocked)
        if self.notice.text() != notice:
            self.notice.setText(notice)
            self.notice.setToolTip(turn.blocked)
        self.notice.setVisible(bool(notice))
        if turn.role is Role.MODEL:
            self.sources.set_sources(sources_of(turn.grounding))
        self.setAccessibleName(header)
        self.body.setAccessibleName(header)
        self.fit()

    def fit(self, max_width: int | None = None) -> None:
        """Be as wide as the text needs, up to ``max_width``.

        A word-wrapped QLabel otherwise settles on a narrow width and wraps short
        sentences into tall columns.
        """
        if max_width is not None:
            self._max_width = max_width
            self.setMaximumWidth(max_width)
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        extra = (margins.left() + margins.right() if margins is not None else 0) + 4
        natural = max(
            [self.header.fontMetrics().horizontalAdvance(self.header.text())]
            + [
                label.fontMetrics().horizontalAdvance(line)
                for label in (self.body, self.caption, self.notice)
                for line in label.text().split("\n")
            ]
            + [self.sources.natural_width() if self.sources.isVisibleTo(self) else 0]
        )
        self.setMinimumWidth(min(natural + extra, self._max_width))

    def plain_text(self) -> str:
        """Header, text, caption, notice and sources, one per line (empty ones left out)."""
        lines = [self.header.text(), self.body.text(), self.caption.text(), self.notice.text()]
        if self.sources.sources:
            lines.append(translate("TranscriptView", "Sources:"))
            lines += [f"{i}. {t} <{u}>" for i, (t, u) in enumerate(self.sources.sources, 1)]
        return "\n".join(line for line in lines if line)


class TranscriptView(QWidget):
    """Shows the conversation's turns as they stream in.

    Signals: none.

    ``show_turn`` inserts a turn the first time its id is seen and refreshes it in place
    afterwards. New turns go at the end, except a user turn that starts while the
    model's answer is still streaming: it goes before that answer (and the tool calls
    made during it), the same order the core transcript keeps (the service can send the
    first words the user said after the answer has begun). Tool calls are compact rows
    (:class:`ToolRow`); an answer grounded on Google Search lists its sources. The view
    follows the newest text unless the user scrolled up.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bubbles: dict[int, _Bubble | ToolRow] = {}
        self._rows: list[int] = []  # turn ids, top to bottom
        self._follow = True

        self._placeholder = QLabel(self.tr("Connect and start talking, or type below."))
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setObjectName("transcriptPlaceholder")
        self._placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._placeholder.setBackgroundRole(QPalette.ColorRole.Base)
        self._placeholder.setAutoFillBackground(True)  # same backdrop as the turns

        self._column = QWidget()
        self._column.setObjectName("transcriptColumn")
        self._column_layout = QVBoxLayout(self._column)
        self._column_layout.setContentsMargins(12, 12, 12, 12)
        self._column_layout.setSpacing(10)
        self._column_layout.addStretch(1)

        self._scroll = QScrollArea()
        self._scroll.setObjectName("transcriptScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidget(self._column)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys/PgUp scroll it
        self._scroll.setAccessibleName(self.tr("Transcript"))
        self._scroll.viewport().installEventFilter(self)
        bar = self._scroll.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)

        self._stack = QStackedWidget()
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self._scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.setFocusProxy(self._scroll)
        self.setAccessibleName(self.tr("Transcript"))
        self._apply_style()

    # --- public -----------------------------------------------------------------
    def show_turn(self, turn: Turn) -> None:
        """Insert ``turn`` or refresh the bubble (or tool row) already showing it."""
        bubble = self._bubbles.get(turn.id)
        if bubble is not None:
            bubble.turn = turn
            bubble.refresh()
            return
        bubble = ToolRow(turn) if turn.role is Role.TOOL else _Bubble(turn)
        self._bubbles[turn.id] = bubble
        index = len(self._rows)
        if turn.role is Role.USER:
            # Before the answer still streaming, and the tool calls made during it.
            above = index
            while above > 0:
                turn_above = self._bubbles[self._rows[above - 1]].turn
                if turn_above.role is Role.MODEL and not turn_above.finished:
                    index = above - 1
                elif turn_above.role is not Role.TOOL:
                    break
                above -= 1
        self._rows.insert(index, turn.id)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if turn.role is Role.USER:
            row.addStretch(1)
            row.addWidget(bubble)
        else:
            row.addWidget(bubble)
            row.addStretch(1)
        self._limit_width(bubble)
        # The trailing stretch is the layout's first item: rows start at index 1.
        self._column_layout.insertLayout(index + 1, row)
        self._stack.setCurrentWidget(self._scroll)

    def clear(self) -> None:
        """Remove every turn and show the placeholder again."""
        while self._column_layout.count() > 1:
            item = self._column_layout.takeAt(1)
            row = item.layout() if item is not None else None
            if row is not None:
                while row.count():
                    taken = row.takeAt(0)
                    child = taken.widget() if taken is not None else None
                    if child is not None:
                        child.hide()
                        child.deleteLater()
                row.deleteLater()
        self._bubbles.clear()
        self._rows.clear()
        self._follow = True
        self._stack.setCurrentWidget(self._placeholder)

    def turn_ids(self) -> list[int]:
        """Turn ids in display order, top to bottom."""
        return list(self._rows)

    def turn_text(self, turn_id: int) -> str:
        """The text shown for one turn; for a tool call, its row (KeyError if not shown)."""
        bubble = self._bubbles[turn_id]
        return bubble.plain_text() if isinstance(bubble, ToolRow) else bubble.body.text()

    def turn_caption(self, turn_id: int) -> str:
        """The live caption shown under a user turn ("" when none)."""
        bubble = self._bubbles[turn_id]
        if isinstance(bubble, ToolRow):
            return ""
        return bubble.caption.text() if bubble.caption.isVisibleTo(bubble) else ""

    def turn_notice(self, turn_id: int) -> str:
        """The "answer blocked" line of a turn ("" when none)."""
        bubble = self._bubbles[turn_id]
        if isinstance(bubble, ToolRow):
            return ""
        return bubble.notice.text() if bubble.notice.isVisibleTo(bubble) else ""

    def turn_header(self, turn_id: int) -> str:
        """The header line of one turn: who, time, latency, "(interrupted)"; for a tool
        call, its line (name, arguments, state, duration)."""
        bubble = self._bubbles[turn_id]
        return bubble.line_text() if isinstance(bubble, ToolRow) else bubble.header.text()

    def turn_sources(self, turn_id: int) -> SourcesList | None:
        """The sources shown under an answer (None for a turn that cannot have any)."""
        bubble = self._bubbles[turn_id]
        return None if isinstance(bubble, ToolRow) else bubble.sources

    def tool_row(self, turn_id: int) -> ToolRow:
        """The row showing a tool call (KeyError if ``turn_id`` is not one)."""
        bubble = self._bubbles[turn_id]
        if not isinstance(bubble, ToolRow):
            raise KeyError(turn_id)
        return bubble

    def all_text(self) -> str:
        """The whole conversation as plain text, one block per turn (header, text,
        caption, notice, sources; a tool call's row)."""
        return "\n".join(self._bubbles[i].plain_text() + "\n" for i in self._rows)

    @property
    def placeholder_visible(self) -> bool:
        return self._stack.currentWidget() is self._placeholder

    @property
    def following(self) -> bool:
        """True while the view sticks to the newest text."""
        return self._follow

    def scroll_area(self) -> QScrollArea:
        return self._scroll

    # --- Qt overrides -----------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The viewport, not this widget, knows the width bubbles may take; it is
        # resized after this widget, so watch it directly.
        if watched is self._scroll.viewport() and event.type() == QEvent.Type.Resize:
            for bubble in self._bubbles.values():
                self._limit_width(bubble)
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_style()

    # --- slots --------------------------------------------------------------------
    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self._scroll.verticalScrollBar().setValue(maximum)

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self._scroll.verticalScrollBar().maximum() - _STICKY_PX

    # --- internals ----------------------------------------------------------------
    def _apply_style(self) -> None:
        # User bubbles: a light tint of the highlight colour over the base, so ordinary
        # text colour keeps its contrast (and selections stay visible) in light and
        # dark palettes alike.
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        accent = pal.color(QPalette.ColorRole.Highlight)
        mix = 0.22

        def blend(a: QColor, b: QColor, amount: float = mix) -> str:
            r = round(a.red() * (1 - amount) + b.red() * amount)
            g = round(a.green() * (1 - amount) + b.green() * amount)
            bl = round(a.blue() * (1 - amount) + b.blue() * amount)
            return f"rgb({r}, {g}, {bl})"

        # Header: the text colour softened a little, not the placeholder grey, which is
        # too faint on the tinted user bubble.
        header = blend(pal.color(QPalette.ColorRole.Text), base, 0.38)

        self.setStyleSheet(
            "#transcriptColumn { background: palette(base); }"
            f"#userBubble {{ background: {blend(base, accent)}; border-radius: 10px; }}"
            "#modelBubble { background: palette(alternate-base);"
            " border: 1px solid palette(midlight); border-radius: 10px; }"
            f"#bubbleHeader {{ color: {header}; }}"
            f"#bubbleCaption {{ color: {header}; font-style: italic; }}"
            "#bubbleNotice { font-style: italic; }"
        )

    def _limit_width(self, bubble: _Bubble | ToolRow) -> None:
        width = self._scroll.viewport().width() or self.width()
        bubble.fit(max(200, int(width * _BUBBLE_WIDTH_FRACTION)))
