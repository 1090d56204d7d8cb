"""The app's colours: every colour it paints has a light and a dark variant here.

Widgets ask :func:`colour` / :func:`hex_of` by name; the variant follows the current
palette (:func:`gemini_desk.ui.theme.is_dark`). :data:`TEXT_PAIRS` lists every
foreground/background pair the app paints with these colours and how large the text
is, so a test can hold each pair to WCAG AA (:func:`contrast_ratio`);
:data:`PALETTE_PAIRS` those painted on a colour of the desktop's palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QGuiApplication, QPalette

__all__ = [
    "COLOURS",
    "PALETTE_PAIRS",
    "STATUS_NAMES",
    "TEXT_PAIRS",
    "Pair",
    "colour",
    "contrast_ratio",
    "hex_of",
]


@dataclass(frozen=True, slots=True)
class Swatch:
    light: str
    dark: str


# Status element states (gemini_desk.core.status.Status values).
STATUS_NAMES = (
    "offline",
    "connecting",
    "ready",
    "listening",
    "thinking",
    "speaking",
    "muted",
    "sharing",
)

COLOURS: dict[str, Swatch] = {
    # The status pill: a tinted background, its text, and the orb's dot.
    "status.offline.bg": Swatch("#eceff3", "#2b2f36"),
    "status.offline.fg": Swatch("#3f4753", "#c9d1dc"),
    "status.offline.dot": Swatch("#6b7280", "#9aa3b2"),
    "status.connecting.bg": Swatch("#fff4e0", "#3a2d14"),
    "status.connecting.fg": Swatch("#7a4a00", "#f6c177"),
    "status.connecting.dot": Swatch("#b45309", "#f59e0b"),
    "status.ready.bg": Swatch("#e8f0fe", "#1c2a44"),
    "status.ready.fg": Swatch("#1e3a8a", "#bcd3ff"),
    "status.ready.dot": Swatch("#2563eb", "#60a5fa"),
    "status.listening.bg": Swatch("#e6f4ea", "#15311f"),
    "status.listening.fg": Swatch("#14532d", "#9ee6b8"),
    "status.listening.dot": Swatch("#15803d", "#34d399"),
    "status.thinking.bg": Swatch("#eef0ff", "#262a4a"),
    "status.thinking.fg": Swatch("#3730a3", "#c7cbff"),
    "status.thinking.dot": Swatch("#4f46e5", "#818cf8"),
    "status.speaking.bg": Swatch("#f5e9ff", "#33204a"),
    "status.speaking.fg": Swatch("#6b21a8", "#e2c6ff"),
    "status.speaking.dot": Swatch("#9333ea", "#c084fc"),
    "status.muted.bg": Swatch("#fdecea", "#3a1d1b"),
    "status.muted.fg": Swatch("#8a1c12", "#f8d7d3"),
    "status.muted.dot": Swatch("#dc2626", "#f87171"),
    "status.sharing.bg": Swatch("#fff0e6", "#3a2414"),
    "status.sharing.fg": Swatch("#9a3412", "#fdc9a4"),
    "status.sharing.dot": Swatch("#c2410c", "#fb923c"),
    # Window chrome.
    "window.bg": Swatch("#f5f6f8", "#202124"),
    "window.fg": Swatch("#1f2328", "#e8eaed"),
    "subtle.fg": Swatch("#4b5563", "#aeb4bd"),  # hints, captions
    "focus": Swatch("#1d4ed8", "#93c5fd"),  # focus rings (2 px)
    # Controls: the primary button (Connect), the quiet one (End), the talk button.
    "primary.bg": Swatch("#1d4ed8", "#2563eb"),
    "primary.fg": Swatch("#ffffff", "#ffffff"),
    "primary.hover": Swatch("#1e40af", "#1d4ed8"),
    "quiet.bg": Swatch("#e5e7eb", "#33363b"),
    "quiet.fg": Swatch("#1f2328", "#e8eaed"),
    "quiet.border": Swatch("#9ca3af", "#5f6368"),
    "talk.idle.bg": Swatch("#e8f0fe", "#1c2a44"),
    "talk.idle.fg": Swatch("#1e3a8a", "#bcd3ff"),
    "talk.idle.border": Swatch("#2563eb", "#60a5fa"),
    "talk.listening.bg": Swatch("#15803d", "#166534"),
    "talk.listening.fg": Swatch("#ffffff", "#ffffff"),
    "talk.speaking.bg": Swatch("#7e22ce", "#6b21a8"),
    "talk.speaking.fg": Swatch("#ffffff", "#ffffff"),
    "talk.off.bg": Swatch("#eceff3", "#2b2f36"),
    "talk.off.fg": Swatch("#4b5563", "#aeb4bd"),
    # Notices (info, warning, error) and the demo note.
    "notice.info.bg": Swatch("#e8f0fe", "#1c2a44"),
    "notice.info.fg": Swatch("#1e3a8a", "#dbe6ff"),
    "notice.info.border": Swatch("#93b4f0", "#3d5a8f"),
    "notice.warning.bg": Swatch("#fff4e0", "#3a2d14"),
    "notice.warning.fg": Swatch("#6b3f00", "#fbe3b5"),
    "notice.warning.border": Swatch("#e3b465", "#7a5a22"),
    "notice.error.bg": Swatch("#fdecea", "#3a1d1b"),
    "notice.error.fg": Swatch("#5f1a14", "#f8d7d3"),
    "notice.error.border": Swatch("#e0a8a3", "#7f3a33"),
    "demo.fg": Swatch("#7a4a00", "#f6c177"),
    "sharing.badge.bg": Swatch("#b42318", "#b42318"),
    "sharing.badge.fg": Swatch("#ffffff", "#ffffff"),
    # The mic meter: track, bar by level, peak tick, clip mark.
    "meter.track": Swatch("#ffffff", "#17181a"),
    "meter.low": Swatch("#16a34a", "#22c55e"),
    "meter.mid": Swatch("#ca8a04", "#eab308"),
    "meter.high": Swatch("#dc2626", "#f87171"),
    "meter.clip": Swatch("#dc2626", "#f87171"),
    "meter.tick": Swatch("#6b7280", "#9aa3b2"),
    # The mini window.
    "mini.bg": Swatch("#ffffff", "#26282c"),
    "mini.fg": Swatch("#1f2328", "#e8eaed"),
    "mini.border": Swatch("#9ca3af", "#5f6368"),
    # The tool approval card over the transcript.
    "approval.bg": Swatch("#eef4ff", "#1b2940"),
    "approval.fg": Swatch("#102040", "#dde8fb"),
    "approval.arg.fg": Swatch("#3d4f70", "#a9bde0"),  # argument names
    "approval.border": Swatch("#8fb0e6", "#4b6ea8"),
    # A tool call's row in the transcript (on the transcript's base colour): its edge,
    # and the state and summary words.
    "tool.edge": Swatch("#6b7280", "#9ca3af"),
    "tool.done.fg": Swatch("#166534", "#86efac"),
    "tool.failed.fg": Swatch("#b42318", "#fca5a5"),
    "tool.quiet.fg": Swatch("#57534e", "#a8a29e"),  # summary, duration, denied, cancelled
    # Painted over the screen's own pixels (the red frame, the region selectors and
    # their toolbar) or on the desktop's panel (the tray badge): what is under them is
    # not the app's palette, so both variants are the same.
    "overlay.accent": Swatch("#ff2d55", "#ff2d55"),  # share frame, selection, handles
    "overlay.bar.bg": Swatch("#202124", "#202124"),  # the selectors' toolbar, backdrop
    "overlay.bar.fg": Swatch("#ffffff", "#ffffff"),
    "overlay.bar.size": Swatch("#ffd6de", "#ffd6de"),  # the selection's size
    "preview.bg": Swatch("#1f1f1f", "#1f1f1f"),  # around the shared picture's thumbnail
    "preview.border": Swatch("#888888", "#888888"),
    "tray.idle": Swatch("#2563eb", "#2563eb"),
    "tray.listening": Swatch("#15803d", "#15803d"),
    "tray.speaking": Swatch("#9333ea", "#9333ea"),
    "tray.muted": Swatch("#dc2626", "#dc2626"),
    "tray.sharing": Swatch("#c2410c", "#c2410c"),
    "tray.glyph": Swatch("#ffffff", "#ffffff"),  # the badge's symbol and ring
}


@dataclass(frozen=True, slots=True)
class Pair:
    """A foreground painted on a background; ``minimum``: the WCAG AA ratio it needs
    (4.5 for text, 3 for large/bold text, focus rings and marks)."""

    fg: str
    bg: str
    minimum: float
    what: str


def _status_pairs() -> list[Pair]:
    out = []
    for name in STATUS_NAMES:
        bg = f"status.{name}.bg"
        out.append(Pair(f"status.{name}.fg", bg, 4.5, f"status text ({name})"))
        out.append(Pair(f"status.{name}.dot", bg, 3.0, f"status orb ({name})"))
        out.append(Pair(f"status.{name}.fg", "window.bg", 3.0, f"pill edge ({name})"))
        out.append(Pair("focus", bg, 3.0, f"focus ring on the pill ({name})"))
    return out


TEXT_PAIRS: tuple[Pair, ...] = (
    *_status_pairs(),
    Pair("window.fg", "window.bg", 4.5, "window text"),
    Pair("subtle.fg", "window.bg", 4.5, "hints"),
    Pair("focus", "window.bg", 3.0, "focus ring"),
    Pair("focus", "quiet.bg", 3.0, "focus ring on End"),
    Pair("primary.fg", "primary.bg", 4.5, "Connect"),
    Pair("primary.fg", "primary.hover", 4.5, "Connect (hover)"),
    Pair("quiet.fg", "quiet.bg", 4.5, "End"),
    Pair("talk.idle.fg", "talk.idle.bg", 4.5, "talk button (ready)"),
    Pair("talk.idle.border", "window.bg", 3.0, "talk button edge"),
    Pair("talk.listening.fg", "talk.listening.bg", 4.5, "talk button (listening)"),
    Pair("talk.speaking.fg", "talk.speaking.bg", 4.5, "talk button (speaking)"),
    Pair("talk.off.fg", "talk.off.bg", 4.5, "talk button (off)"),
    Pair("notice.info.fg", "notice.info.bg", 4.5, "info notice"),
    Pair("notice.warning.fg", "notice.warning.bg", 4.5, "warning notice"),
    Pair("notice.error.fg", "notice.error.bg", 4.5, "error notice"),
    # A notice's buttons (Retry now, its action, Dismiss) take focus on its background.
    Pair("focus", "notice.info.bg", 3.0, "focus ring on an info notice"),
    Pair("focus", "notice.warning.bg", 3.0, "focus ring on a warning or the connection banner"),
    Pair("focus", "notice.error.bg", 3.0, "focus ring on an error notice"),
    Pair("demo.fg", "window.bg", 4.5, "demo note"),
    Pair("sharing.badge.fg", "sharing.badge.bg", 4.5, "sharing badge"),
    Pair("meter.clip", "meter.track", 3.0, "clip mark"),
    Pair("meter.tick", "meter.track", 3.0, "meter scale ticks"),
    Pair("mini.fg", "mini.bg", 4.5, "mini window text"),
    Pair("approval.fg", "approval.bg", 4.5, "approval card text"),
    Pair("approval.arg.fg", "approval.bg", 4.5, "approval card argument names"),
    Pair("focus", "approval.bg", 3.0, "focus ring on the approval card's buttons"),
    Pair("overlay.bar.fg", "overlay.bar.bg", 4.5, "region toolbar text"),
    Pair("overlay.bar.size", "overlay.bar.bg", 4.5, "region toolbar: the size"),
    Pair("overlay.accent", "overlay.bar.bg", 3.0, "selection edge on the dark backdrop"),
    Pair("preview.border", "preview.bg", 3.0, "the shared picture's thumbnail frame"),
    Pair("tray.glyph", "tray.idle", 3.0, "tray badge symbol (ready)"),
    Pair("tray.glyph", "tray.listening", 3.0, "tray badge symbol (listening)"),
    Pair("tray.glyph", "tray.speaking", 3.0, "tray badge symbol (speaking)"),
    Pair("tray.glyph", "tray.muted", 3.0, "tray badge symbol (muted)"),
    Pair("tray.glyph", "tray.sharing", 3.0, "tray badge symbol (sharing)"),
)

# Colours painted on a colour of the desktop's palette (its role named as ``bg``): the
# test holds them to AA on light and dark desktop palettes.
PALETTE_PAIRS: tuple[Pair, ...] = (
    Pair("tool.done.fg", "Base", 4.5, "tool row: done"),
    Pair("tool.failed.fg", "Base", 4.5, "tool row: failed"),
    Pair("tool.quiet.fg", "Base", 4.5, "tool row: summary, duration, denied, cancelled"),
    Pair("tool.edge", "Base", 3.0, "tool row edge"),
)


def _dark(palette: QPalette | None) -> bool:
    pal = palette if palette is not None else QGuiApplication.palette()
    return (
        pal.color(QPalette.ColorRole.Window).lightness()
        < pal.color(QPalette.ColorRole.WindowText).lightness()
    )


def hex_of(name: str, palette: QPalette | None = None, dark: bool | None = None) -> str:
    """The colour ``name`` as ``#rrggbb`` for ``palette`` (the app's by default)."""
    swatch = COLOURS[name]
    return swatch.dark if (_dark(palette) if dark is None else dark) else swatch.light


def colour(name: str, palette: QPalette | None = None, dark: bool | None = None) -> QColor:
    return QColor(hex_of(name, palette, dark))


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(c: QColor) -> float:
    """WCAG 2 relative luminance."""
    return 0.2126 * _linear(c.red()) + 0.7152 * _linear(c.green()) + 0.0722 * _linear(c.blue())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
