"""Keyboard focus order: Tab follows what the eye reads, top to bottom."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLayout, QLayoutItem, QWidget

__all__ = ["chain", "form_fields"]


def _focusable(widget: QWidget) -> list[QWidget]:
    """``widget`` itself if Tab stops there, else its focusable children in layout order."""
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None:
        return [widget]
    layout = widget.layout()
    if layout is not None:
        return _layout_widgets(layout)
    return [
        w
        for w in widget.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None
    ]


def _layout_widgets(layout: QLayout) -> list[QWidget]:
    out: list[QWidget] = []
    for i in range(layout.count()):
        out += _item_widgets(layout.itemAt(i))
    return out


def _item_widgets(item: QLayoutItem | None) -> list[QWidget]:
    """The focusable widgets of one layout item (a widget or a nested layout)."""
    if item is None:
        return []
    widget, inner = item.widget(), item.layout()
    if widget is not None:
        return _focusable(widget)
    return _layout_widgets(inner) if inner is not None else []


def form_fields(form: QFormLayout) -> list[QWidget]:
    """The focusable fields of ``form`` in row order (labels are skipped)."""
    out: list[QWidget] = []
    for row in range(form.rowCount()):
        for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
            out += _item_widgets(form.itemAt(row, role))
    return out


def chain(widgets: list[QWidget]) -> None:
    """Make Tab visit ``widgets`` in this order (duplicates are ignored)."""
    seen: list[QWidget] = []
    for widget in widgets:
        if widget not in seen:
            seen.append(widget)
    for first, second in itertools.pairwise(seen):
        QWidget.setTabOrder(first, second)
