"""Messages from the Qt-free layers: the catalogue matches the code and translates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from gemini_desk.ui import messages
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.messages import TEMPLATES, translate_message
from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401

PACKAGE = Path(__file__).resolve().parents[2] / "gemini_desk"


def _code_text() -> str:
    """All of the package's source with string literals' line breaks joined up."""
    text = "\n".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.py") if p.name != "messages.py")
    # Adjacent literals ("abc " "def") and f-string fields ({x}) become plain text.
    text = re.sub(r"\"\s*\n\s*f?\"", "", text)
    return text


# Built at run time from another message (talk_wiring: "Hold " -> "Press " for toggle).
_DERIVED = {"Press %1 in any application to start and stop talking."}


def test_every_template_still_occurs_in_the_code() -> None:
    code = _code_text()
    stale = []
    for template in set(TEMPLATES) - _DERIVED:
        pieces = [p for p in re.split(r"%\d", template) if len(p.strip(" .:()'“”")) > 3]
        if not all(p in code for p in pieces):
            stale.append(template)
    assert not stale, "messages changed in the code; update gemini_desk/ui/messages.py:\n" + (
        "\n".join(stale)
    )


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:  # noqa: F811
    install_translators(qapp, "zh_CN")
    messages.reset()
    yield
    install_translators(qapp, "en")
    messages.reset()


def test_messages_translate_with_values_and_nesting(chinese: None) -> None:
    assert translate_message("The connection was lost; retrying in 8 s") == (
        "连接已断开；8 秒后重试"  # noqa: RUF001
    )
    device = (
        "No microphone (input) devices were found. Check that a device is connected and "
        "that the sound server (e.g. PulseAudio/PipeWire) is running."
    )
    nested = translate_message(f"The microphone could not be opened: {device} You can still type.")
    assert "麦克风（输入）" in nested and "仍可以输入文字" in nested  # noqa: RUF001
    rest = nested.replace("PulseAudio", "").replace("PipeWire", "")
    assert not re.search(r"[A-Za-z]{3,}", rest)
    assert translate_message("Something nobody catalogued.") == "Something nobody catalogued."


def test_english_stays_english(qapp: QApplication) -> None:  # noqa: F811
    text = "The connection was lost; retrying in 8 s"
    assert translate_message(text) == text
