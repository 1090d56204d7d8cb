"""What the service now sends, as the window shows it; and the model and voice settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest

from gemini_desk.core.events import (
    InputTranscript,
    InterimInputTranscript,
    OutputTranscript,
    TurnComplete,
)
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.models import (
    DEFAULT_MODEL,
    FALLBACK_MODELS,
    LANGUAGES,
    VOICES,
    ModelInfo,
    capabilities,
)
from gemini_desk.core.settings import Settings
from gemini_desk.core.transcript import Role, Transcript
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog
from gemini_desk.ui.transcript_view import TranscriptView
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401
from tests.ui.test_transcript_view import view  # noqa: F401  (the fixture)


def _silence() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


def test_live_caption_shows_while_speaking_and_gives_way_to_the_final_text(
    view: TranscriptView,  # noqa: F811
) -> None:
    transcript = Transcript(on_change=view.show_turn)
    transcript.apply(InterimInputTranscript("what is the"))
    [turn_id] = view.turn_ids()
    assert view.turn_caption(turn_id) == "what is the"
    assert view.turn_text(turn_id) == ""
    transcript.apply(InterimInputTranscript("what is the weather"))
    assert view.turn_caption(turn_id) == "what is the weather"
    transcript.apply(InputTranscript("What is the weather?"))
    assert view.turn_caption(turn_id) == ""
    assert view.turn_text(turn_id) == "What is the weather?"


def test_a_blocked_answer_says_so_in_words(view: TranscriptView) -> None:  # noqa: F811
    transcript = Transcript(on_change=view.show_turn)
    transcript.apply(InputTranscript("something"))
    transcript.apply(TurnComplete(reason="PROHIBITED_INPUT_CONTENT"))
    user_id, model_id = view.turn_ids()
    assert transcript.turns[1].role is Role.MODEL
    notice = view.turn_notice(model_id)
    assert "blocked" in notice and "PROHIBITED" not in notice  # words, not a code
    assert view.turn_notice(user_id) == ""
    assert notice in view.all_text()


def test_an_ordinary_end_has_no_notice(view: TranscriptView) -> None:  # noqa: F811
    transcript = Transcript(on_change=view.show_turn)
    transcript.apply(OutputTranscript("Hello."))
    transcript.apply(TurnComplete(reason="NEED_MORE_INPUT"))
    [model_id] = view.turn_ids()
    assert view.turn_notice(model_id) == ""
    assert view.turn_text(model_id) == "Hello."


def test_hearing_you_mark_follows_voice_activity(qapp) -> None:  # noqa: F811
    window = MainWindow(_silence, _silence)
    window.show()
    process_events()
    pill = window.status.pill
    assert not pill.hearing
    window.set_voice_activity(True)
    assert pill.hearing
    window.set_voice_activity(False)
    assert not pill.hearing
    window.set_model(DEFAULT_MODEL)
    assert window.status.details.model_label.text() == "Gemini 3.8 Live"
    assert window.model_name == "Gemini 3.8 Live"
    window.show_model_retired("gemini-old-live", "Gemini 3.8 Live")
    assert window.notices.message == ("gemini-old-live was retired; now using Gemini 3.8 Live.")
    assert window.notices.rows[0].action_button.isHidden()
    window.close_now()
    window.deleteLater()


def _dialog(settings: Settings, **kw: object) -> SettingsDialog:
    dialog = SettingsDialog(
        settings, ["Mic"], ["Speakers"], message(MessageId.KEY_IN_KEYRING), **kw
    )  # type: ignore[arg-type]
    dialog.open()
    process_events()
    return dialog


def test_models_listed_by_the_service_show_by_name_and_free_text_still_works(
    qapp,  # noqa: F811
) -> None:
    listed = (ModelInfo(DEFAULT_MODEL, "Gemini 3.8 Live"), ModelInfo("gemini-9-live", "Nine"))
    dialog = _dialog(Settings(), models=listed, models_fetched_at=1_764_800_000.0)
    combo = dialog.model_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Gemini 3.8 Live", "Nine"]
    assert combo.currentText() == "Gemini 3.8 Live"
    assert dialog.edited_settings().model == DEFAULT_MODEL
    assert "listed on" in dialog.models.source_label.text()
    combo.setCurrentIndex(1)
    assert dialog.edited_settings().model == "gemini-9-live"
    combo.setEditText("models/my-own-live-model")
    assert dialog.edited_settings().model == "my-own-live-model"
    dialog.close()
    dialog.deleteLater()


def test_refresh_asks_again_and_shows_the_new_list(qapp) -> None:  # noqa: F811
    dialog = _dialog(Settings())
    assert "Built-in list" in dialog.models.source_label.text()
    spy = QSignalSpy(dialog.refreshModelsRequested)
    QTest.mouseClick(dialog.models.refresh_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 1 and not dialog.models.refresh_button.isEnabled()
    dialog.set_models((ModelInfo("gemini-9-live", "Nine"),), 1_764_800_000.0)
    assert dialog.models.refresh_button.isEnabled()
    assert dialog.model_combo.itemText(0) == "Nine"
    assert dialog.edited_settings().model == DEFAULT_MODEL  # the choice is kept
    dialog.set_models(FALLBACK_MODELS, None, failed=True)
    assert "failed" in dialog.models.source_label.text()
    dialog.close()
    dialog.deleteLater()


@pytest.mark.parametrize("model", [m.id for m in FALLBACK_MODELS])
def test_thinking_shows_only_for_models_that_take_it(qapp, model: str) -> None:  # noqa: F811
    dialog = _dialog(Settings(model=model, thinking_level="high"))
    allowed = bool(capabilities(model).thinking_levels)
    combo = dialog.models.thinking_combo
    assert combo.isVisibleTo(dialog), "shown for every model: the layout does not jump"
    assert combo.isEnabled() == allowed
    if not allowed:
        assert combo.toolTip() == "This model does not take a thinking level."
    assert dialog.edited_settings().thinking_level == ("high" if allowed else "")
    dialog.close()
    dialog.deleteLater()


def test_all_voices_a_sample_button_and_the_spoken_language(qapp) -> None:  # noqa: F811
    dialog = _dialog(Settings(voice="Kore", language_code=LANGUAGES[0]))
    voices = dialog.voice_combo
    assert [voices.itemData(i) for i in range(voices.count())] == list(VOICES)
    assert voices.currentText() == "Kore — firm", "each voice with its character"
    assert len(VOICES) == 30
    spy = QSignalSpy(dialog.voiceSampleRequested)
    dialog.output_combo.setCurrentIndex(dialog.output_combo.findData("Speakers"))
    QTest.mouseClick(dialog.voices.play_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 1 and list(spy.at(0)) == ["Kore", "Speakers"]
    assert not dialog.voices.play_button.isEnabled()  # until the sample ends
    dialog.set_sample_state("Kore", "done")
    assert dialog.voices.play_button.isEnabled()
    languages = dialog.voices.language_combo
    assert languages.count() == len(LANGUAGES) + 1 and languages.itemData(0) == ""
    assert dialog.edited_settings().language_code == LANGUAGES[0]
    languages.setCurrentIndex(0)
    assert dialog.edited_settings().language_code == ""
    dialog.close()
    dialog.deleteLater()
