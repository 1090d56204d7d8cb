"""The main window's style sheet (the conversation and the welcome), from the palette in
light or dark."""

from __future__ import annotations

from gemini_desk.ui.colours import hex_of

__all__ = ["window_style"]


def window_style() -> str:
    """The window's controls: the primary Connect (and the welcome's Continue), the
    quiet End, and focus rings of 2 px on everything Tab reaches; every colour from the
    palette (light or dark)."""
    c = hex_of
    return f"""
QPushButton {{
    padding: 4px 12px; border-radius: 6px; border: 2px solid {c("quiet.border")};
    color: {c("quiet.fg")}; background: {c("quiet.bg")};
}}
QPushButton:disabled {{ color: {c("talk.off.fg")}; background: {c("talk.off.bg")}; }}
QComboBox {{
    padding: 3px 8px; border-radius: 4px; border: 2px solid {c("quiet.border")};
    color: {c("quiet.fg")}; background: {c("quiet.bg")};
}}
QPushButton:focus, QToolButton:focus, QComboBox:focus {{ border-color: {c("focus")}; }}
QPushButton#connectButton, QPushButton#continueKey {{
    font-weight: bold; padding: 5px 16px; border-radius: 6px;
    border: 2px solid {c("primary.bg")}; color: {c("primary.fg")}; background: {c("primary.bg")};
}}
QPushButton#connectButton:hover, QPushButton#continueKey:hover {{
    background: {c("primary.hover")};
}}
QPushButton#continueKey:disabled {{
    font-weight: normal; border-color: {c("quiet.border")};
    color: {c("talk.off.fg")}; background: {c("talk.off.bg")};
}}
QPushButton#connectButton[quiet="true"] {{
    font-weight: normal; border: 2px solid {c("quiet.border")};
    color: {c("quiet.fg")}; background: {c("quiet.bg")};
}}
QPushButton#connectButton:disabled {{
    border-color: {c("quiet.border")}; color: {c("talk.off.fg")}; background: {c("talk.off.bg")};
}}
QPushButton#connectButton:focus, QPushButton#continueKey:focus {{
    border: 2px solid {c("focus")};
}}
QLineEdit#textBox, QLineEdit#welcomeKey {{
    border: 2px solid {c("quiet.border")}; border-radius: 4px; padding: 3px;
}}
QLineEdit#textBox:focus, QLineEdit#welcomeKey:focus {{ border-color: {c("focus")}; }}
QScrollArea#transcriptScroll {{ border: 2px solid transparent; }}
QScrollArea#transcriptScroll:focus {{ border: 2px solid {c("focus")}; }}
QToolButton#detailsButton {{
    border: 2px solid {c("quiet.border")}; border-radius: 11px; min-width: 18px;
    min-height: 18px; font-weight: bold; color: {c("quiet.fg")}; background: {c("quiet.bg")};
}}
QToolButton#detailsButton:focus {{ border-color: {c("focus")}; }}
"""
