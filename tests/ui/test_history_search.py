"""HistoryDialog's search (the FTS5 index), titles, delete with undo, and "Continue this
conversation"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest

from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.ui.history_dialog import HistoryDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _conversation(directory: Path, when: float, words: list[str]) -> Path:
    store = TranscriptStore(directory, started_at=when)
    for i, text in enumerate(words, 1):
        role = Role.USER if i % 2 else Role.MODEL
        store.append(Turn(id=i, role=role, text=text, started_at=when + i, finished=True))
    return store.path


def _rows(dialog: HistoryDialog) -> list[str]:
    return [
        dialog.conversation_list.item(i).text() for i in range(dialog.conversation_list.count())
    ]


def _dialog(tmp_path: Path) -> tuple[HistoryDialog, Path, Path]:
    convs = tmp_path / "conversations"
    old = _conversation(
        convs, 1_700_000_000, ["Grow zucchini\nin pots?", "Yes, in big ones.", "ok"]
    )
    new = _conversation(convs, 1_700_900_000, ["What is the weather?", "Sunny."])
    dialog = HistoryDialog(convs, index_path=tmp_path / "data" / "history.sqlite3")
    dialog.open()
    process_events()
    return dialog, old, new


def test_titles_are_first_lines_and_search_finds_an_earlier_conversation(
    qapp,  # noqa: F811
    tmp_path: Path,
) -> None:
    dialog, old, _new = _dialog(tmp_path)
    assert dialog.search_field.hasFocus(), "the dialog opens on the search field"
    assert [r.split("\n")[0] for r in _rows(dialog)] == ["What is the weather?", "Grow zucchini"]
    assert dialog.title_label.text() == "What is the weather?"

    QTest.keyClicks(dialog.search_field, "big")
    QTest.keyClick(dialog.search_field, Qt.Key.Key_Return)  # searches at once
    assert [s.path for s in dialog.summaries] == [old]
    assert "“Yes, in big ones.”" in _rows(dialog)[0], "the row quotes the words found"
    dialog.search("weather")
    assert _rows(dialog)[0].count("weather") == 1, "no quote of the title itself"
    dialog.search("big")
    assert dialog.title_label.text() == "Grow zucchini"
    assert dialog.turn_list.currentRow() == 1, "the matching turn is chosen"
    assert dialog.conversation_list.hasFocus()
    assert dialog.conversations.found_label.text() == "Conversations found: 1"

    dialog.search("nothing-like-this")
    assert dialog.summaries == [] and dialog.turns == []
    assert "Nothing found" in dialog.conversations.found_label.text()
    assert not dialog.continue_button.isEnabled() and not dialog.delete_button.isEnabled()
    dialog.search("")
    assert len(dialog.summaries) == 2 and dialog.conversations.found_label.isHidden()
    dialog.close()


def test_typing_searches_after_a_pause(qapp, qtbot, tmp_path: Path) -> None:  # noqa: F811
    dialog, old, _new = _dialog(tmp_path)
    QTest.keyClicks(dialog.search_field, "zucch")
    assert len(dialog.summaries) == 2, "not on every key"
    qtbot.waitUntil(lambda: [s.path for s in dialog.summaries] == [old], timeout=2000)
    dialog.close()


def test_delete_then_undo_then_delete_for_good(qapp, tmp_path: Path) -> None:  # noqa: F811
    dialog, old, new = _dialog(tmp_path)
    dialog.delete_current()  # the newest, chosen
    assert not new.exists()
    assert [s.path for s in dialog.summaries] == [old]
    assert dialog.status_label.text() == "Deleted “What is the weather?”."
    assert dialog.undo_button.isVisible() and dialog.undo_button.hasFocus()
    dialog.search("weather")
    assert dialog.summaries == [], "search forgets it too"
    dialog.search("")
    dialog.undo_button.click()
    assert new.exists() and len(dialog.summaries) == 2
    assert dialog.undo_button.isHidden()
    dialog.search("weather")
    assert [s.path for s in dialog.summaries] == [new]

    dialog.conversation_list.setFocus()
    QTest.keyClick(dialog.conversation_list, Qt.Key.Key_Delete)
    assert not new.exists()
    dialog.close()  # no undo after this
    process_events()
    again = HistoryDialog(tmp_path / "conversations", index_path=tmp_path / "data" / "h.db")
    assert [s.path for s in again.summaries] == [old]
    assert not any((tmp_path / "conversations").rglob(new.name)), "gone for good"
    again.close()


def test_continue_asks_for_the_chosen_conversation(qapp, tmp_path: Path) -> None:  # noqa: F811
    dialog, old, _new = _dialog(tmp_path)
    spy = QSignalSpy(dialog.continueRequested)
    dialog.search("zucchini")
    dialog.continue_button.click()
    assert spy.count() == 1 and spy.at(0)[0] == old
    assert not dialog.isVisible()
