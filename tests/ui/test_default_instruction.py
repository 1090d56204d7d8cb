"""The default system instruction follows the UI's language: Settings shows it and the
connection sends it in that language; an instruction the user typed is kept as typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import DEFAULT_SYSTEM_INSTRUCTION, Settings
from gemini_desk.live.config import build_connect_config
from gemini_desk.ui.instruction import default_instruction, edited_instruction, localised
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

ZH = "你是用户桌面上的语音助手，乐于助人。回答要简短，适合口头表达。"  # noqa: RUF001


class Chinese(QTranslator):
    """A translator that knows the default instruction in Chinese (the shipped .ts gets
    it from the lead; this stands for it, through Qt's own translation lookup)."""

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None: not ours, the next translator (or the source) answers.
        return ZH if context == "Instruction" and source == DEFAULT_SYSTEM_INSTRUCTION else None

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:  # noqa: F811
    translator = Chinese()
    assert qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


def _sent(settings: Settings) -> str:
    config = build_connect_config(settings)
    instruction = config.system_instruction
    assert instruction is not None
    return str(instruction)


def test_the_english_source_is_the_stored_default(qapp) -> None:  # noqa: F811
    assert default_instruction() == DEFAULT_SYSTEM_INSTRUCTION
    assert localised(Settings()) == Settings()


def test_a_chinese_ui_shows_and_sends_the_chinese_default(chinese: None) -> None:
    assert default_instruction() == ZH
    worded = localised(Settings())
    assert worded.system_instruction == ZH and not worded.custom_instruction
    assert _sent(worded) == ZH
    dialog = SettingsDialog(Settings(), [], [], message(MessageId.NO_KEY_YET))
    try:
        assert dialog.instruction_edit.toPlainText() == ZH
        edited = dialog.edited_settings()  # OK without touching it: still the default
        assert edited.system_instruction == ZH and not edited.custom_instruction
        assert _sent(edited) == ZH
    finally:
        dialog.deleteLater()
        process_events()


def test_a_typed_instruction_is_kept_in_any_language(chinese: None) -> None:
    typed = Settings(system_instruction="Talk like a pirate.", custom_instruction=True)
    assert localised(typed) is typed
    dialog = SettingsDialog(typed, [], [], message(MessageId.NO_KEY_YET))
    try:
        assert dialog.instruction_edit.toPlainText() == "Talk like a pirate."
        dialog.instruction_edit.setPlainText("Answer in one word.")
        edited = dialog.edited_settings()
        assert edited.custom_instruction and edited.system_instruction == "Answer in one word."
        assert _sent(localised(edited)) == "Answer in one word."
    finally:
        dialog.deleteLater()
        process_events()
    # Emptied on purpose: no instruction at all, not the default.
    assert edited_instruction("") == {"system_instruction": "", "custom_instruction": True}
    # Typed back to the default as shown: the default again (it follows the language).
    assert edited_instruction(ZH + "\n") == {"system_instruction": ZH, "custom_instruction": False}


@pytest.mark.parametrize(
    ("stored", "custom"),
    [
        (DEFAULT_SYSTEM_INSTRUCTION, False),
        (DEFAULT_SYSTEM_INSTRUCTION + " ", False),
        ("Be brief.", True),
    ],
)
def test_settings_stored_before_keep_what_was_typed(stored: str, custom: bool) -> None:
    loaded = Settings.from_dict({"system_instruction": stored})
    assert loaded.custom_instruction is custom
    assert loaded.system_instruction == stored
    # Stored with the flag: the flag is taken as it is.
    again = Settings.from_dict({"system_instruction": ZH, "custom_instruction": False})
    assert not again.custom_instruction
