"""Live transcript: a scrolling column of turn bubbles that update as text streams in,
tool calls as compact rows between them, and an answer's search sources under it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.tool_row import SourcesList, ToolRow
from gemini_desk.ui.transcript_bubble import Bubble

# Within this many pixels of the bottom counts as "at the bottom" (follow new text).
_STICKY_PX = 8
_BUBBLE_WIDTH_FRACTION = 0.78
# A turn still streaming is redrawn at most this often: a full redraw costs time in the
# length of its text, so one per fragment would cost time in the square of it.
_STREAM_REFRESH_MS = 50


class TranscriptView(QWidget):
    """Shows the conversation's turns as they stream in.

    Signals:
        resendRequested(int): "Retry" on a typed message that was not sent (its turn id).

    ``show_turn`` inserts a turn the first time its id is seen and refreshes it in place
    afterwards. New turns go at the end, except a user turn that starts while the
    model's answer is still streaming: it goes before that answer (and the tool calls
    made during it), the same order the core transcript keeps (the service can send the
    first words the user said after the answer has begun). Tool calls are compact rows
    (:class:`ToolRow`); an answer grounded on Google Search lists its sources. The view
    follows the newest text unless the user scrolled up.

    A turn still streaming is redrawn at most every ``_STREAM_REFRESH_MS`` (the latest
    state, however many fragments came in between); a new or finished turn at once. The
    ``turn_*`` readers draw what is waiting first, so they always see the latest text.
    """

    resendRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bubbles: dict[int, Bubble | ToolRow] = {}
        self._rows: list[int] = []  # turn ids, top to bottom
        self._follow = True
        self._dirty: dict[int, None] = {}  # ids of streaming bubbles waiting to be drawn
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(_STREAM_REFRESH_MS)
        self._redraw.timeout.connect(self.flush)

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
            if isinstance(bubble, Bubble) and not turn.finished:
                self._dirty[turn.id] = None  # drawn by the timer, with what came after
                if not self._redraw.isActive():
                    self._redraw.start()
                return
            self._dirty.pop(turn.id, None)
            bubble.refresh()
            return
        bubble = ToolRow(turn) if turn.role is Role.TOOL else Bubble(turn)
        if isinstance(bubble, Bubble):
            turn_id = turn.id
            bubble.retry_button.clicked.connect(lambda: self.resendRequested.emit(turn_id))
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

    def flush(self) -> None:
        """Draw the streaming turns whose latest text is not on screen yet."""
        self._redraw.stop()
        dirty, self._dirty = self._dirty, {}
        for turn_id in dirty:
            bubble = self._bubbles.get(turn_id)
            if bubble is not None:
                bubble.refresh()

    def clear(self) -> None:
        """Remove every turn and show the placeholder again."""
        self._redraw.stop()
        self._dirty.clear()
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
        self.flush()
        bubble = self._bubbles[turn_id]
        return bubble.plain_text() if isinstance(bubble, ToolRow) else bubble.body.text()

    def renders(self, turn_id: int) -> int:
        """How often the bubble of ``turn_id`` was fully re-rendered (0 for a tool row)."""
        bubble = self._bubbles[turn_id]
        return 0 if isinstance(bubble, ToolRow) else bubble.renders

    def turn_caption(self, turn_id: int) -> str:
        """The live caption shown under a user turn ("" when none)."""
        self.flush()
        bubble = self._bubbles[turn_id]
        if isinstance(bubble, ToolRow):
            return ""
        return bubble.caption.text() if bubble.caption.isVisibleTo(bubble) else ""

    def turn_notice(self, turn_id: int) -> str:
        """The "answer blocked" (or "too long") line of a turn ("" when none)."""
        self.flush()
        bubble = self._bubbles[turn_id]
        if isinstance(bubble, ToolRow):
            return ""
        return bubble.notice.text() if bubble.notice.isVisibleTo(bubble) else ""

    def turn_header(self, turn_id: int) -> str:
        """The header line of one turn: who, time, "typed", "(interrupted)"; for a tool
        call, its line (name, arguments, state, duration)."""
        self.flush()
        bubble = self._bubbles[turn_id]
        return bubble.line_text() if isinstance(bubble, ToolRow) else bubble.header.text()

    def turn_header_tip(self, turn_id: int) -> str:
        """What hovering a turn's header shows ("" for none): an answer's delay."""
        self.flush()
        bubble = self._bubbles[turn_id]
        return "" if isinstance(bubble, ToolRow) else bubble.header.toolTip()

    def turn_sources(self, turn_id: int) -> SourcesList | None:
        """The sources shown under an answer (None for a turn that cannot have any)."""
        self.flush()
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
        self.flush()
        return "\n".join(self._bubbles[i].plain_text() + "\n" for i in self._rows)

    def set_live(self, live: bool) -> None:
        """Word the empty transcript for a live conversation or for none."""
        self._placeholder.setText(
            self.tr("Say something, or type below.")
            if live
            else self.tr("Connect and start talking, or type below.")
        )

    @property
    def placeholder_text(self) -> str:
        return self._placeholder.text()

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
        c = bubble_colours(self.palette())
        self.setStyleSheet(
            "#transcriptColumn { background: palette(base); }"
            f"#userBubble {{ background: {c['user.bg'].name()}; border-radius: 10px; }}"
            f"#modelBubble {{ background: {c['model.bg'].name()};"
            " border: 1px solid palette(midlight); border-radius: 10px; }"
            f"#bubbleHeader {{ color: {c['header'].name()}; }}"
            f"#bubbleCaption {{ color: {c['header'].name()}; font-style: italic; }}"
            "#bubbleNotice { font-style: italic; }"
        )

    def _limit_width(self, bubble: Bubble | ToolRow) -> None:
        width = self._scroll.viewport().width() or self.width()
        bubble.fit(max(200, int(width * _BUBBLE_WIDTH_FRACTION)))


def bubble_colours(pal: QPalette) -> dict[str, QColor]:
    """The bubbles' colours for ``pal``: the user's is a light tint of the highlight
    colour over the base, so ordinary text keeps its contrast (and selections stay
    visible) in light and dark palettes alike; headers and captions are the text colour
    softened a little (not the placeholder grey, too faint on the tint)."""
    base = pal.color(QPalette.ColorRole.Base)
    accent = pal.color(QPalette.ColorRole.Highlight)
    text = pal.color(QPalette.ColorRole.Text)

    def blend(a: QColor, b: QColor, amount: float) -> QColor:
        return QColor(
            round(a.red() * (1 - amount) + b.red() * amount),
            round(a.green() * (1 - amount) + b.green() * amount),
            round(a.blue() * (1 - amount) + b.blue() * amount),
        )

    return {
        "text": text,
        "user.bg": blend(base, accent, 0.22),
        "model.bg": pal.color(QPalette.ColorRole.AlternateBase),
        "header": blend(text, base, 0.38),
    }
