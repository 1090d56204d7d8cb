"""WCAG AA for every text/background pair the app paints, in light and dark palettes.

The pairs come from the palette module (status element, talk controls, notices, the
mic meter's marks) and from the palette the desktop hands over (bubbles, hints on the
window); the status element, a notice of each severity, the connection banner and the
welcome's key check are also rendered and their painted colours compared with the
colours the pairs were checked for.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from gemini_desk.core.desk_state import SessionStatus
from gemini_desk.core.events import RetryWait, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.status import Status
from gemini_desk.core.tools import ApprovalRequest, CallState, ToolCallRecord
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.approval_card import ApprovalCard
from gemini_desk.ui.colours import COLOURS, PALETTE_PAIRS, TEXT_PAIRS, colour, contrast_ratio
from gemini_desk.ui.connection_banner import ConnectionBanner
from gemini_desk.ui.notices import NoticeArea, Severity
from gemini_desk.ui.status_orb import StatusPill
from gemini_desk.ui.transcript_view import TranscriptView, bubble_colours
from gemini_desk.ui.welcome_view import WelcomeView
from tests.support.palettes import dark_palette
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

TEXT, LARGE = 4.5, 3.0


def _light() -> QPalette:
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


PALETTES = {"light": _light, "dark": dark_palette}


@pytest.fixture
def app_palette(qapp: QApplication) -> Iterator[None]:  # noqa: F811
    before = QPalette(qapp.palette())
    yield
    qapp.setPalette(before)
    process_events()


def test_the_ratio_is_wcag_s() -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#ffffff"), QColor("#ffffff")) == pytest.approx(1.0)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_palette_pair_meets_aa(dark: bool) -> None:
    failures = []
    for pair in TEXT_PAIRS:
        ratio = contrast_ratio(colour(pair.fg, dark=dark), colour(pair.bg, dark=dark))
        if ratio < pair.minimum:
            failures.append(f"{pair.what}: {ratio:.2f} < {pair.minimum}")
    assert not failures, failures


def test_every_colour_has_a_pair_or_is_a_mark() -> None:
    """No colour the app paints escapes the check (the meter's bar colours are marks,
    seen against the track; borders and hover shades go with a checked pair)."""
    used = {p.fg for p in TEXT_PAIRS} | {p.bg for p in TEXT_PAIRS} | {p.fg for p in PALETTE_PAIRS}
    marks = {"meter.low", "meter.mid", "meter.high", "quiet.border", "talk.off.border"}
    borders = {n for n in COLOURS if n.endswith(".border")}
    unchecked = set(COLOURS) - used - marks - borders
    assert not unchecked, sorted(unchecked)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_text_on_the_desktop_palette_meets_aa(name: str) -> None:
    pal = PALETTES[name]()
    dark = name == "dark"
    window = pal.color(QPalette.ColorRole.Window)
    checks = {
        "window text": (pal.color(QPalette.ColorRole.WindowText), window, TEXT),
        "hint": (colour("subtle.fg", dark=dark), window, TEXT),
        "demo note": (colour("demo.fg", dark=dark), window, TEXT),
        "focus ring": (colour("focus", dark=dark), window, LARGE),
        "focus ring on the transcript": (
            colour("focus", dark=dark),
            pal.color(QPalette.ColorRole.Base),
            LARGE,
        ),
    }
    bubbles = bubble_colours(pal)
    for bubble in ("user.bg", "model.bg"):
        checks[f"{bubble} text"] = (bubbles["text"], bubbles[bubble], TEXT)
        checks[f"{bubble} header"] = (bubbles["header"], bubbles[bubble], TEXT)
    for status in Status:
        pill_edge = colour(f"status.{status.value}.fg", dark=dark)
        checks[f"pill edge {status.value}"] = (pill_edge, window, LARGE)
    failures = [
        f"{what}: {contrast_ratio(fg, bg):.2f} < {need}"
        for what, (fg, bg, need) in checks.items()
        if contrast_ratio(fg, bg) < need
    ]
    assert not failures, failures


@pytest.mark.parametrize("name", ["light", "dark"])
def test_painted_colours_are_the_checked_ones(
    qapp: QApplication,  # noqa: F811
    app_palette: None,
    name: str,
) -> None:
    qapp.setPalette(PALETTES[name]())
    process_events()
    dark = name == "dark"
    pill = StatusPill(lambda: (-90.0, -90.0, False))
    pill.show()
    for status in Status:
        pill.set_status(status)
        image = pill.grab().toImage()
        fill = image.pixelColor(image.width() // 2, max(4, image.height() // 6))
        assert fill == colour(f"status.{status.value}.bg", dark=dark), status
        painted = {
            image.pixelColor(x, y).name()
            for x in range(image.height(), image.width() - 10)
            for y in range(image.height() // 3, 2 * image.height() // 3)
        }
        # The state's word is painted in its text colour (antialiased edges aside).
        assert colour(f"status.{status.value}.fg", dark=dark).name() in painted, status
    pill.close()


def _painted(widget: QWidget) -> tuple[QColor, set[str]]:
    """The fill just inside ``widget``'s top edge, and every colour painted in it."""
    image = widget.grab().toImage()
    colours = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }
    return image.pixelColor(image.width() // 2, 3), colours


@pytest.mark.parametrize("name", ["light", "dark"])
def test_notices_paint_their_checked_colours(
    qapp: QApplication,  # noqa: F811
    app_palette: None,
    name: str,
) -> None:
    """Each severity's row, the connection banner (a warning) and the welcome's key
    check paint the background and text of the pairs held to AA above."""
    qapp.setPalette(PALETTES[name]())
    process_events()
    dark = name == "dark"
    area = NoticeArea()
    area.resize(520, 200)
    for severity in Severity:
        area.show_notice(severity.value, "Something to read.", severity)
    banner = ConnectionBanner()
    banner.resize(520, 90)
    wait = RetryWait(5.0, 1)
    banner.show_status(
        SessionStatus(SessionState.RECONNECTING, message(MessageId.RETRY_REFUSED, 5), wait)
    )
    welcome = WelcomeView()
    welcome.show_problem(message(MessageId.CONNECTION_REFUSED))
    area.show()
    welcome.show()
    process_events()
    shown = [(row, row.spec.severity.value) for row in area.rows]
    shown += [(banner, "warning"), (welcome.status, "error")]
    for widget, severity in shown:
        fill, painted = _painted(widget)
        assert fill == colour(f"notice.{severity}.bg", dark=dark), (widget, severity)
        text = colour(f"notice.{severity}.fg", dark=dark).name()
        assert text in painted, (widget, severity)
    welcome.show_checking()
    process_events()
    fill, painted = _painted(welcome.status)
    assert fill == colour("notice.info.bg", dark=dark)
    assert colour("notice.info.fg", dark=dark).name() in painted
    for widget in (area, banner, welcome):
        widget.close()
        widget.deleteLater()
    process_events()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_colours_on_the_desktop_palette_meet_aa(name: str) -> None:
    """The tool rows' words and edge, on the transcript's base colour."""
    pal = PALETTES[name]()
    dark = name == "dark"
    failures = []
    for pair in PALETTE_PAIRS:
        bg = pal.color(getattr(QPalette.ColorRole, pair.bg))
        ratio = contrast_ratio(colour(pair.fg, dark=dark), bg)
        if ratio < pair.minimum:
            failures.append(f"{pair.what}: {ratio:.2f} < {pair.minimum}")
    assert not failures, failures


def _tool_turn(index: int, state: CallState, summary: str = "") -> Turn:
    record = ToolCallRecord(
        call_id=f"c{index}", name="get_time", state=state, summary=summary, duration_s=0.012
    )
    return Turn(id=index, role=Role.TOOL, finished=True, tool=record)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_tool_rows_and_the_approval_card_paint_their_checked_colours(
    qapp: QApplication,  # noqa: F811
    app_palette: None,
    name: str,
) -> None:
    """A done, a failed and a denied call's rows in the transcript, and the approval
    card, paint the colours held to AA above, on the background they were held to."""
    qapp.setPalette(PALETTES[name]())
    process_events()
    dark = name == "dark"
    view = TranscriptView()
    view.resize(640, 400)
    turns = {
        "tool.done.fg": _tool_turn(0, CallState.DONE, "It is 10:04 in Tokyo."),
        "tool.failed.fg": _tool_turn(1, CallState.FAILED),
        "tool.quiet.fg": _tool_turn(2, CallState.DENIED, "Set to Never."),
    }
    for turn in turns.values():
        view.show_turn(turn)
    view.show()
    process_events()
    base = qapp.palette().color(QPalette.ColorRole.Base)
    rows = view._bubbles
    for want, turn in turns.items():
        row = rows[turn.id]
        # Grabbed from the view, so what shows through the row is painted too.
        image = view.grab(QRect(row.mapTo(view, QPoint(0, 0)), row.size())).toImage()
        painted = {
            image.pixelColor(x, y).name()
            for x in range(image.width())
            for y in range(image.height())
        }
        assert colour(want, dark=dark).name() in painted, (want, name)
        assert colour("tool.edge", dark=dark).name() in painted, name
        # Transparent: the row's words sit on the transcript's base colour.
        assert image.pixelColor(image.width() - 2, image.height() // 2) == base, name
    view.close()
    view.deleteLater()

    host = QWidget()
    host.resize(640, 300)
    card = ApprovalCard(host)
    card.add_request(ApprovalRequest("c1", "open_url", {"url": "https://example.com/"}))
    host.show()
    card.show()
    process_events()
    image = card.grab().toImage()
    fill = image.pixelColor(image.width() // 2, 3)
    assert fill == colour("approval.bg", dark=dark), name
    painted = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }
    for want in ("approval.fg", "approval.arg.fg", "approval.border"):
        assert colour(want, dark=dark).name() in painted, (want, name)
    host.close()
    host.deleteLater()
    process_events()


def test_no_colour_is_written_outside_the_palette_module() -> None:
    """Every colour the app paints is named in ui/colours.py (light and dark), so the
    pairs above see it; a hex literal anywhere else escapes them."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "gemini_desk"
    literal = re.compile(r"[\"']#[0-9a-fA-F]{3,8}\b")
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "colours.py" and "sim" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert not found, found
