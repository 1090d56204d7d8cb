"""The region selector's toolbar: how to select, the size, and the choices; it wraps to
the screen's width (narrow screens, 200 %, long translations) instead of cutting text."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gemini_desk.ui.colours import hex_of

__all__ = ["RegionBar"]

# (The strings keep the overlay's context, "_Overlay", where their translations are.)
MARGIN = 12  # inside the bar, left and right
GAP = 6  # between the items of a row


class RegionBar(QWidget):
    """The help line (wrapping), then the size and the buttons in as few rows as fit.

    The buttons never take the keyboard focus: the keys stay with the overlay.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regionBar")
        # A plain QWidget paints its style sheet's background only when told to: without
        # this the bar's white words stood on the picture under it.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            f"QWidget#regionBar {{ background: {hex_of('overlay.bar.bg')}; border-radius: 8px; }}"
            f"QLabel {{ color: {hex_of('overlay.bar.fg')}; font-size: 11pt; }}"
            f"QLabel#regionSize {{ font-weight: bold; color: {hex_of('overlay.bar.size')}; }}"
        )
        self.help = QLabel(
            QCoreApplication.translate(
                "_Overlay",
                "Drag to select what to share. Enter: share · Esc: cancel · "
                "Arrows: move · Ctrl+arrows: resize",
            )
        )
        self.help.setObjectName("regionHelp")
        self.help.setWordWrap(True)
        self.size_label = QLabel()
        self.size_label.setObjectName("regionSize")
        self.screen_button = QPushButton(QCoreApplication.translate("_Overlay", "Whole screen"))
        self.screen_button.setObjectName("wholeScreenButton")
        self.window_button = QPushButton(QCoreApplication.translate("_Overlay", "A window…"))
        self.window_button.setObjectName("windowButton")
        self.share_button = QPushButton(QCoreApplication.translate("_Overlay", "Share this region"))
        self.share_button.setObjectName("shareRegionButton")
        self.share_button.setDefault(True)
        self.cancel_button = QPushButton(QCoreApplication.translate("_Overlay", "Cancel"))
        self.cancel_button.setObjectName("cancelRegionButton")
        self.items: tuple[QWidget, ...] = (
            self.size_label,
            self.screen_button,
            self.window_button,
            self.share_button,
            self.cancel_button,
        )
        for button in self.items[1:]:
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(MARGIN, 8, MARGIN, 8)
        self._column.setSpacing(GAP)
        self._column.addWidget(self.help)
        self._rows: list[QHBoxLayout] = []
        self._split: tuple[int, ...] = ()
        self._relayout(())

    def place(self, room: int) -> None:
        """Take at most ``room`` pixels of width: wrap the help, fold the row."""
        widths = [max(w.sizeHint().width(), w.minimumSizeHint().width()) for w in self.items]
        inner = room - 2 * MARGIN
        split = _fold(widths, inner)
        if split != self._split:
            self._relayout(split)
        one_line = self.help.fontMetrics().horizontalAdvance(self.help.text()) + 4
        rows = [sum(widths[a:b]) + GAP * (b - a - 1) for a, b in _ranges(split, len(widths))]
        width = min(room, max(one_line, *rows) + 2 * MARGIN)
        self._column.activate()
        height = self._column.totalHeightForWidth(width)
        self.resize(width, max(height, self._column.totalMinimumSize().height()))

    def _relayout(self, split: tuple[int, ...]) -> None:
        for row in self._rows:
            while row.count():
                row.takeAt(0)
            self._column.removeItem(row)
            row.deleteLater()
        self._rows = []
        for a, b in _ranges(split, len(self.items)):
            row = QHBoxLayout()
            row.setSpacing(GAP)
            for widget in self.items[a:b]:
                row.addWidget(widget)
            if a == 0:
                row.addStretch(1)  # the size on the left, the buttons on the right
            self._column.addLayout(row)
            self._rows.append(row)
        self._split = split


def _fold(widths: list[int], room: int) -> tuple[int, ...]:
    """Where rows start (after the first) so that each row's items fit ``room``."""
    starts: list[int] = []
    used = 0
    for i, width in enumerate(widths):
        if i > 0 and used + GAP + width > room:
            starts.append(i)
            used = width
        else:
            used += width if i == 0 or used == 0 else GAP + width
    return tuple(starts)


def _ranges(split: tuple[int, ...], count: int) -> list[tuple[int, int]]:
    bounds = [0, *split, count]
    return list(itertools.pairwise(bounds))
