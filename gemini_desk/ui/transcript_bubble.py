"""One turn of the live transcript as a bubble: who and when, the text, the live
caption, why an answer was withheld or cut, and the sources it drew on."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.grounding import sources_of
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.turn_reasons import BlockedBy, blocked_by
from gemini_desk.ui.tool_row import SourcesList

__all__ = ["Bubble", "blocked_text", "truncated_text"]

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


def truncated_text() -> str:
    """The line under a turn whose text was cut at its limit."""
    return translate("TranscriptView", "This turn was too long: the rest was not kept.")


class Bubble(QFrame):
    """One turn: a small header line (who, when, latency, interrupted) and the text."""

    def __init__(self, turn: Turn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.turn = turn
        self.renders = 0  # full re-renders (each costs time in the length of the text)
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
        # A typed message: "sending…" until it is on the wire, "not sent" with Retry.
        self.delivery = QLabel(self)
        self.delivery.setObjectName("bubbleDelivery")
        self.delivery.hide()
        self.retry_button = QPushButton(translate("TranscriptView", "Retry"), self)
        self.retry_button.setObjectName("retrySend")
        self.retry_button.setFlat(True)
        self.retry_button.setAccessibleName(translate("TranscriptView", "Send this message again"))
        self.retry_button.hide()
        delivery_row = QHBoxLayout()
        delivery_row.setContentsMargins(0, 0, 0, 0)
        delivery_row.addWidget(self.delivery)
        delivery_row.addWidget(self.retry_button)
        delivery_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        layout.addWidget(self.caption)
        layout.addWidget(self.notice)
        layout.addWidget(self.sources)
        layout.addLayout(delivery_row)
        self.refresh()

    def refresh(self) -> None:
        self.renders += 1
        turn = self.turn
        who = (
            translate("TranscriptView", "You")
            if turn.role is Role.USER
            else translate("TranscriptView", "Gemini")
        )
        parts = [who, time.strftime("%H:%M:%S", time.localtime(turn.started_at))]
        if turn.typed:
            parts.append(translate("TranscriptView", "typed"))
        tip = ""
        if turn.role is Role.MODEL and turn.latency_ms is not None:
            # A figure for the curious: on hover (the status details show the latest).
            tip = translate("TranscriptView", "Answered %1 ms after you stopped")
            tip = tip.replace("%1", f"{turn.latency_ms:.0f}")
        if self.header.toolTip() != tip:
            self.header.setToolTip(tip)
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
        lines = (blocked_text(turn.blocked), truncated_text() if turn.truncated else "")
        notice = "\n".join(line for line in lines if line)
        if self.notice.text() != notice:
            self.notice.setText(notice)
            self.notice.setToolTip(turn.blocked)
        self.notice.setVisible(bool(notice))
        if turn.role is Role.MODEL:
            self.sources.set_sources(sources_of(turn.grounding))
        self._show_delivery(turn.delivery)
        self.setAccessibleName(header)
        self.body.setAccessibleName(header)
        self.fit()

    def _show_delivery(self, delivery: str) -> None:
        words = {
            "sending": translate("TranscriptView", "sending…"),
            "not_sent": translate("TranscriptView", "not sent —"),
            "resent": translate("TranscriptView", "not sent"),
        }
        text = words.get(delivery, "")
        if self.delivery.text() != text:
            self.delivery.setText(text)
        self.delivery.setVisible(bool(text))
        self.retry_button.setVisible(delivery == "not_sent")

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
        lines.append(self.delivery.text() if self.delivery.isVisibleTo(self) else "")
        if self.sources.sources:
            lines.append(translate("TranscriptView", "Sources:"))
            lines += [f"{i}. {t} <{u}>" for i, (t, u) in enumerate(self.sources.sources, 1)]
        return "\n".join(line for line in lines if line)
