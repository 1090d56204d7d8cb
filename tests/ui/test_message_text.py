"""Messages are data until the UI: every id has words, with as many places as arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.ui import message_text as texts
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.message_text import message_text, templates
from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401


@pytest.mark.parametrize("id", list(MessageId), ids=lambda i: i.name)
def test_every_message_has_words_with_one_place_per_argument(
    qapp: QApplication,  # noqa: F811
    id: MessageId,
) -> None:
    template = templates()[id]
    places = {int(n) for n in re.findall(r"%(\d)", template)}
    assert places == set(range(1, id.arity + 1)), template


def test_arguments_fill_in_and_nested_messages_become_words(qapp: QApplication) -> None:  # noqa: F811
    kind = message(MessageId.DEVICE_KIND_INPUT)
    nested = message(MessageId.MIC_UNAVAILABLE, message(MessageId.NO_DEVICES, kind))
    text = message_text(nested)
    assert text.startswith("The microphone could not be opened: No microphone (input) devices")
    assert text.endswith("You can still type.")
    assert message_text(message(MessageId.RETRY_NETWORK, 8.0)) == (
        "Waiting for the network; retrying in 8 s"
    )
    assert message_text("Device unavailable") == "Device unavailable"  # the OS's own words


def test_the_wrong_number_of_arguments_is_refused() -> None:
    with pytest.raises(ValueError, match="RETRY_NETWORK takes 1"):
        Message(MessageId.RETRY_NETWORK)
    assert str(message(MessageId.UNKNOWN_MODEL, "gemini-x")) == "UNKNOWN_MODEL(gemini-x)"


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:  # noqa: F811
    install_translators(qapp, "zh_CN")
    texts.reset()
    yield
    install_translators(qapp, "en")
    texts.reset()


def test_messages_follow_the_ui_language(chinese: None) -> None:
    assert message_text(message(MessageId.RETRY_LOST, 8)) == "连接已断开；8 秒后重试"  # noqa: RUF001
    for id, template in templates().items():
        assert not re.search(
            r"[A-Za-z]{4,}",
            re.sub(
                r"Ctrl\+\w+|GEMINI_API_KEY|QT_\w+=?\w*|"
                r"PulseAudio|PipeWire|libpulse|Gemini Desk|Gemini|XWayland|Wayland|X11|macOS|"
                r"GNOME|KDE|GStreamer|gstreamer[\w.-]*|xdg-desktop-portal|Debian|Ubuntu|"
                r"https?://\S+|gemini-desk|--ptt \w+|API|Live|dBFS",
                "",
                template,
            ),
        ), id
