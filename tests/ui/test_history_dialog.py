"""HistoryDialog: list, read, copy and export past conversations."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QFileDialog

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


def test_lists_reads_copies_and_exports(qapp, tmp_path: Path) -> None:  # noqa: F811
    _conversation(tmp_path, 1_700_000_000, ["first chat", "first answer"])
    _conversation(tmp_path, 1_700_500_000, ["second chat", "second answer", "more"])
    dialog = HistoryDialog(tmp_path)
    dialog.open()
    process_events()
    assert dialog.conversation_list.count() == 2
    assert "second chat" in dialog.conversation_list.item(0).text()
    assert [t["text"] for t in dialog.turns] == ["second chat", "second answer", "more"]
    assert not dialog.empty_label.isVisible()

    dialog.conversation_list.setCurrentRow(1)
    assert [t["text"] for t in dialog.turns] == ["first chat", "first answer"]

    copied = QSignalSpy(dialog.copied)
    dialog.turn_list.setCurrentRow(1)
    dialog.turn_list.setFocus()
    QTest.keyClick(dialog.turn_list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert copied.count() == 1
    assert QGuiApplication.clipboard().text() == "first answer"

    exported = QSignalSpy(dialog.exported)
    dialog.export_to(tmp_path / "out.md", "md")
    dialog.export_to(tmp_path / "out.json", "json")
    assert exported.count() == 2
    assert "> first answer" in (tmp_path / "out.md").read_text()
    doc = json.loads((tmp_path / "out.json").read_text())
    assert [t["text"] for t in doc["turns"]] == ["first chat", "first answer"]
    assert "Saved to" in dialog.status_label.text()

    dialog.export_to(tmp_path / "missing-dir" / "x.md", "md")
    assert "Could not write" in dialog.status_label.text()
    dialog.close()


def test_export_button_opens_a_save_dialog_without_blocking(qapp, tmp_path: Path) -> None:  # noqa: F811
    _conversation(tmp_path, 1_700_000_000, ["hello", "hi"])
    dialog = HistoryDialog(tmp_path)
    dialog.open()
    process_events()
    dialog.json_button.click()  # returns at once: the file dialog is opened, not exec()'d
    process_events()
    file_dialogs = dialog.findChildren(QFileDialog)
    assert len(file_dialogs) == 1 and file_dialogs[0].isVisible()
    file_dialogs[0].reject()
    dialog.close()


def test_empty_history_says_so(qapp, tmp_path: Path) -> None:  # noqa: F811
    dialog = HistoryDialog(tmp_path / "none")
    dialog.open()
    process_events()
    assert dialog.empty_label.isVisible()
    assert not dialog.markdown_button.isEnabled() and not dialog.copy_button.isEnabled()
    dialog.close()
