"""The region selectors' shared geometry: the handles on a selection, what a point
grabs, the cursor for it, and the arrow keys' steps."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt

from gemini_desk.vision.region_flow import MIN_SIDE

HANDLE = 8  # grab distance (logical px) of the edges and corners

ARROWS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


def keyboard_start(bounds: QRect) -> QRect:
    """Where the first arrow key puts a selection when there is none: the middle of
    ``bounds``, half its size (a keyboard user has no drag to start one)."""
    w, h = bounds.width() // 2, bounds.height() // 2
    return QRect(
        bounds.x() + (bounds.width() - w) // 2, bounds.y() + (bounds.height() - h) // 2, w, h
    )


def keep_inside(rect: QRect, bounds: QRect) -> None:
    """Move ``rect`` (in place) so that it lies inside ``bounds``."""
    rect.moveLeft(min(max(rect.left(), bounds.left()), bounds.right() - rect.width() + 1))
    rect.moveTop(min(max(rect.top(), bounds.top()), bounds.bottom() - rect.height() + 1))


def nudged(sel: QRect, dx: int, dy: int, resize: bool, bounds: QRect) -> QRect:
    """An arrow key's step: ``sel`` grown by (dx, dy) (never under ``MIN_SIDE``), or
    moved by it and kept inside ``bounds``."""
    out = QRect(sel)
    if resize:
        out.setWidth(max(MIN_SIDE, out.width() + dx))
        out.setHeight(max(MIN_SIDE, out.height() + dy))
    else:
        out.translate(dx, dy)
        keep_inside(out, bounds)
    return out


def span(a: QPoint, b: QPoint) -> QRect:
    """The rectangle between two corners, ``b`` excluded (a 300-px drag is 300 px wide)."""
    return QRect(min(a.x(), b.x()), min(a.y(), b.y()), abs(b.x() - a.x()), abs(b.y() - a.y()))


def handles(sel: QRect) -> list[QRect]:
    s = HANDLE
    xs = (sel.left(), sel.center().x(), sel.right())
    ys = (sel.top(), sel.center().y(), sel.bottom())
    centre = (xs[1], ys[1])
    return [QRect(x - s // 2, y - s // 2, s, s) for x in xs for y in ys if (x, y) != centre]


def hit(sel: QRect, pos: QPoint) -> str | None:
    """Which part of the selection ``pos`` grabs: edges/corners ("tl", "r"…), "move" or None."""
    grow = sel.adjusted(-HANDLE, -HANDLE, HANDLE, HANDLE)
    if not grow.contains(pos):
        return None
    edge = ""
    if abs(pos.y() - sel.top()) <= HANDLE:
        edge += "t"
    elif abs(pos.y() - sel.bottom()) <= HANDLE:
        edge += "b"
    if abs(pos.x() - sel.left()) <= HANDLE:
        edge += "l"
    elif abs(pos.x() - sel.right()) <= HANDLE:
        edge += "r"
    if edge:
        return edge
    return "move" if sel.contains(pos) else None


def cursor_for(part: str | None) -> Qt.CursorShape:
    shapes = {
        "tl": Qt.CursorShape.SizeFDiagCursor, "br": Qt.CursorShape.SizeFDiagCursor,
        "tr": Qt.CursorShape.SizeBDiagCursor, "bl": Qt.CursorShape.SizeBDiagCursor,
        "t": Qt.CursorShape.SizeVerCursor, "b": Qt.CursorShape.SizeVerCursor,
        "l": Qt.CursorShape.SizeHorCursor, "r": Qt.CursorShape.SizeHorCursor,
        "move": Qt.CursorShape.SizeAllCursor,
    }  # fmt: skip
    return shapes.get(part or "", Qt.CursorShape.CrossCursor)
