"""Tools in the transcript: one compact row per call, an answer's search sources as links,
and the words for tools that the approval card shares (source, arguments, duration,
state)."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gemini_desk.core.tools import MCP_SOURCE_PREFIX, CallState, ToolCallRecord
from gemini_desk.core.transcript import Turn
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.theme import follow_palette

__all__ = [
    "TOOL_GLYPH",
    "SourcesList",
    "ToolRow",
    "args_json",
    "args_text",
    "duration_text",
    "elide",
    "is_web_link",
    "source_text",
    "state_text",
    "value_text",
]

translate = QCoreApplication.translate
TOOL_GLYPH = "⚙"  # U+2699 GEAR: in DejaVu Sans, Segoe UI Symbol and Apple's fonts
_SUMMARY_CHARS = 300


# --- words -----------------------------------------------------------------------------
def source_text(source: str) -> str:
    """Where a tool comes from: "built-in" or "MCP server <name>"."""
    if source.startswith(MCP_SOURCE_PREFIX):
        server = source.removeprefix(MCP_SOURCE_PREFIX)
        return translate("Tools", "MCP server %1").replace("%1", server)
    return translate("Tools", "built-in")


def elide(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with "…"."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def value_text(value: Any) -> str:
    """One argument's value as JSON writes it (strings quoted), on one line."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # a circular structure: no JSON for it
        return repr(value)


def args_text(args: Mapping[str, Any], limit: int = 90, value_limit: int = 40) -> str:
    """The arguments shortened to one line: ``city="Paris", days=3``."""
    parts = [f"{key}={elide(value_text(value), value_limit)}" for key, value in args.items()]
    return elide(", ".join(parts), limit)


def args_json(args: Mapping[str, Any]) -> str:
    """The arguments in full, indented (for tooltips)."""
    try:
        return json.dumps(dict(args), ensure_ascii=False, indent=2, default=str)
    except ValueError:
        return repr(dict(args))


def duration_text(seconds: float | None) -> str:
    """ "12 ms" under a second, "2.1 s" under a minute, "95 s" beyond ("" if unknown)."""
    if seconds is None or seconds < 0:
        return ""
    if seconds < 1.0:
        return translate("Tools", "%1 ms").replace("%1", f"{seconds * 1000:.0f}")
    if seconds < 60.0:
        return translate("Tools", "%1 s").replace("%1", f"{seconds:.1f}")
    return translate("Tools", "%1 s").replace("%1", f"{seconds:.0f}")


def _state_words() -> dict[CallState, str]:
    return {
        CallState.WAITING: translate("Tools", "waiting for your approval"),
        CallState.RUNNING: translate("Tools", "running…"),
        CallState.DONE: translate("Tools", "done"),
        CallState.DENIED: translate("Tools", "denied"),
        CallState.CANCELLED: translate("Tools", "cancelled"),
        CallState.FAILED: translate("Tools", "failed"),
    }


def _reason_words(state: CallState, reason: str) -> str:
    if reason == "user":
        if state is CallState.DENIED:
            return translate("Tools", "you denied it")
        return translate("Tools", "you stopped it")
    if reason == "timeout":
        if state is CallState.DENIED:  # the approval card waited in vain
            return translate("Tools", "no answer in time")
        return translate("Tools", "timed out")
    words = {
        "server": translate("Tools", "the server withdrew it"),
        "barge_in": translate("Tools", "you interrupted"),
        "connection": translate("Tools", "the connection ended"),
        "policy": translate("Tools", "set to Never in Settings"),
        "shutdown": translate("Tools", "the app was closing"),
    }
    return words.get(reason, "")


def state_text(record: ToolCallRecord) -> str:
    """Where a call stands in words, with why when that is known: "denied: you denied it"."""
    state = _state_words()[record.state]
    reason = _reason_words(record.state, record.reason) if record.state.final else ""
    if not reason:
        return state
    return translate("Tools", "%1: %2").replace("%1", state).replace("%2", reason)


# --- one call ----------------------------------------------------------------------------
class ToolRow(QFrame):
    """One tool call in the transcript: a gear, the name, the arguments shortened, the
    state in words, the duration, and the result's summary underneath.

    ``turn`` is a TOOL turn of the transcript; the row shows its ``tool`` record
    whenever :meth:`refresh` is called. Everything is plain text:
    what a tool returns is untrusted and is never parsed as markup.
    """

    def __init__(self, turn: Turn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.turn = turn
        self._max_width = 400
        self._duration = ""
        self._args = ""  # "(…)" in full; the label shows what fits
        self.setObjectName("toolRow")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.glyph = self._label("toolGlyph", TOOL_GLYPH)
        self.glyph.setAccessibleName(translate("Tools", "Tool call"))
        self.name_label = self._label("toolName")
        self.args_label = self._label("toolArgs")
        self.args_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # The arguments give way when the row is narrow (elided, in full in the tooltip).
        self.args_label.setMinimumWidth(24)
        self.state_label = self._label("toolState")
        self.duration_label = self._label("toolDuration")
        self.summary_label = self._label("toolSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        for label in (self.glyph, self.name_label, self.args_label):
            line.addWidget(label)
        line.addWidget(self.state_label)
        line.addWidget(self.duration_label)
        line.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 3, 8, 3)
        layout.setSpacing(1)
        layout.addLayout(line)
        layout.addWidget(self.summary_label)
        follow_palette(self, _row_style)
        self.refresh()

    @property
    def record(self) -> ToolCallRecord | None:
        return self.turn.tool

    def refresh(self) -> None:
        record = self.record
        if record is None:
            return
        self.name_label.setText(record.name)
        args = args_text(record.args)
        self._args = f"({args})" if args else ""
        self.args_label.setVisible(bool(args))
        self.state_label.setText(state_text(record))
        if self.state_label.property("toolState") != record.state.value:
            self.state_label.setProperty("toolState", record.state.value)
            self.state_label.style().unpolish(self.state_label)
            self.state_label.style().polish(self.state_label)
        self._duration = duration_text(record.duration_s) if record.state.final else ""
        duration = f"· {self._duration}" if self._duration else ""
        self.duration_label.setText(duration)
        self.duration_label.setVisible(bool(duration))
        summary = " ".join(record.summary.split())
        self.summary_label.setText(f"→ {elide(summary, _SUMMARY_CHARS)}" if summary else "")
        self.summary_label.setToolTip(record.summary if len(summary) > _SUMMARY_CHARS else "")
        self.summary_label.setVisible(bool(summary))
        self.setToolTip(self._details(record))
        self.setAccessibleName(self.line_text())
        self.setAccessibleDescription(self.summary_label.text())
        self.fit()
        self._elide_args()

    def line_text(self) -> str:
        """The row's first line as plain text: "⚙ name(args) · state · 12 ms"."""
        parts = [f"{TOOL_GLYPH} {self.name_label.text()}{self._args}"]
        parts += [t for t in (self.state_label.text(), self._duration) if t]
        return " · ".join(parts)

    def plain_text(self) -> str:
        """The whole row: its line, then the summary (when there is one)."""
        summary = self.summary_label.text()
        return f"{self.line_text()}\n{summary}" if summary else self.line_text()

    def fit(self, max_width: int | None = None) -> None:
        """As wide as the line needs, up to ``max_width`` (the summary wraps)."""
        if max_width is not None:
            self._max_width = max_width
            self.setMaximumWidth(max_width)
        self.ensurePolished()  # measure in the style sheet's fonts
        line = self._others_width() + self.args_label.fontMetrics().horizontalAdvance(self._args)
        summary = self.summary_label.fontMetrics().horizontalAdvance(self.summary_label.text())
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        side = margins.left() + margins.right() if margins is not None else 0
        self.setMinimumWidth(min(max(line, summary + side) + 16, self._max_width))  # + rounding

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_args()

    def _elide_args(self) -> None:
        """Show as much of the arguments as the line has room for."""
        if not self._args:
            self.args_label.setText("")
            return
        room = self.width() - self._others_width() - 12
        metrics = self.args_label.fontMetrics()
        shown = metrics.elidedText(self._args, Qt.TextElideMode.ElideRight, max(room, 24))
        if self.args_label.text() != shown:
            self.args_label.setText(shown)

    def _others_width(self) -> int:
        """The first line's width without the arguments: margins, labels, spacing."""
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        width = margins.left() + margins.right() if margins is not None else 0
        for label in (self.glyph, self.name_label, self.state_label, self.duration_label):
            if label.isVisibleTo(self):
                width += label.sizeHint().width() + 6
        return width + 6  # the spacing before the arguments

    def _label(self, name: str, text: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _details(self, record: ToolCallRecord) -> str:
        started = time.strftime("%H:%M:%S", time.localtime(record.started_at))
        lines = [
            translate("Tools", "Tool: %1").replace("%1", record.name),
            translate("Tools", "From: %1").replace("%1", source_text(record.source)),
            translate("Tools", "Started: %1").replace("%1", started),
        ]
        if record.args:
            lines += [translate("Tools", "Arguments:"), args_json(record.args)]
        return "\n".join(lines)


def _row_style() -> str:
    accent = hex_of("tool.edge")
    done = hex_of("tool.done.fg")
    failed = hex_of("tool.failed.fg")
    muted = hex_of("tool.quiet.fg")
    return (
        f"#toolRow {{ border-left: 3px solid {accent}; background: transparent; }}"
        "#toolName { font-weight: bold; }"
        f"#toolSummary {{ color: {muted}; }}"
        f"#toolDuration {{ color: {muted}; }}"
        f'#toolState[toolState="done"] {{ color: {done}; }}'
        f'#toolState[toolState="failed"] {{ color: {failed}; }}'
        f'#toolState[toolState="denied"], #toolState[toolState="cancelled"] {{ color: {muted}; }}'
    )


# --- search sources ----------------------------------------------------------------------
def is_web_link(uri: str) -> bool:
    """Only web pages open from the transcript (never file:, javascript: or app schemes)."""
    url = QUrl(uri)
    return url.isValid() and url.scheme().lower() in ("http", "https") and bool(url.host())


class SourcesList(QWidget):
    """ "Sources:" and one link per page under an answer. A link opens in the browser
    (http and https only); its address is in the tooltip. Keyboard: Tab reaches each
    link, Enter opens it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesList")
        self._sources: list[tuple[str, str]] = []  # (title, uri)
        self.links: list[QLabel] = []
        self._title = QLabel(translate("Tools", "Sources:"), self)
        self._title.setObjectName("sourcesTitle")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setSpacing(1)
        self._layout.addWidget(self._title)
        self.setAccessibleName(translate("Tools", "Sources"))
        self.hide()

    @property
    def sources(self) -> list[tuple[str, str]]:
        """``(title, uri)`` of each source shown, in order."""
        return list(self._sources)

    def set_sources(self, sources: list[tuple[str, str]]) -> None:
        """Show ``sources`` (hidden when there are none); unchanged lists cost nothing."""
        if sources == self._sources:
            return
        self._sources = list(sources)
        for link in self.links:
            self._layout.removeWidget(link)
            link.hide()
            link.deleteLater()
        self.links = [self._link(i, title, uri) for i, (title, uri) in enumerate(sources, 1)]
        for link in self.links:
            self._layout.addWidget(link)
        self.setVisible(bool(sources))

    def natural_width(self) -> int:
        """The width the longest line needs."""
        widths = [self._title.sizeHint().width()] + [link.sizeHint().width() for link in self.links]
        return max(widths)

    def open_source(self, index: int) -> bool:
        """Open source ``index`` in the browser; False if it is not a web page."""
        _title, uri = self._sources[index]
        if not is_web_link(uri):
            return False
        return QDesktopServices.openUrl(QUrl(uri))

    def _link(self, number: int, title: str, uri: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName("sourceLink")
        if is_web_link(uri):
            label.setTextFormat(Qt.TextFormat.RichText)
            href = html.escape(uri, quote=True)
            label.setText(f'{number}. <a href="{href}">{html.escape(title)}</a>')
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            )
            # The link's own href is never used: the stored address is what opens.
            label.linkActivated.connect(lambda _href, i=number - 1: self.open_source(i))
        else:
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setText(f"{number}. {title}")
        label.setToolTip(uri)
        label.setAccessibleName(
            translate("Tools", "Source %1: %2").replace("%1", str(number)).replace("%2", title)
        )
        label.setAccessibleDescription(uri)
        return label
