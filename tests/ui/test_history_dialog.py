"""HistoryDialog: list, read, copy and export past conversations; stored tool calls and
search sources read as they did in the transcript."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from gemini_desk.core.events import Grounding, OutputTranscript, TurnComplete
from gemini_desk.core.tools import CallState, ToolCallRecord
from gemini_desk.core.transcript import Role, Transcript, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.ui.history_dialog import HistoryDialog
from tests.support.browser import Browser, browser  # noqa: F401
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


def _text_lines(image: QImage, rect: QRect) -> int:
    """How many lines of text are drawn in ``rect`` of ``image``: runs of pixel rows
    with ink on them (anything far from the background at the rect's right end)."""
    background = image.pixelColor(rect.right() - 2, rect.center().y()).lightness()
    inked = [
        any(
            abs(image.pixelColor(x, y).lightness() - background) > 80
            for x in range(rect.left(), rect.left() + 200)
        )
        for y in range(rect.top(), rect.bottom() + 1)
    ]
    return sum(1 for i, ink in enumerate(inked) if ink and (i == 0 or not inked[i - 1]))


def test_every_line_of_a_row_is_drawn(qapp, tmp_path: Path) -> None:  # noqa: F811
    """A line in a taller fallback font (CJK) above a Latin one: Qt's views would draw
    the last line as "…" at the end of the one above. (No descenders in the words, so
    that a blank pixel row parts each line from the next.)"""
    _conversation(tmp_path, 1_700_000_000, ["巴黎现在几点\nWHAT TIME IS IT IN PARIS", "NINE"])
    dialog = HistoryDialog(tmp_path)
    dialog.open()
    process_events()
    turns = dialog.turn_list
    image = turns.viewport().grab().toImage()
    rows = [turns.visualItemRect(turns.item(row)) for row in range(turns.count())]
    assert [_text_lines(image, rect) for rect in rows] == [3, 2]
    dialog.close()


# --- tool calls and sources -----------------------------------------------------------------


WHEN = 1_700_000_000.0
GROUNDING = {
    "groundingChunks": [
        {"web": {"uri": "https://www.nasa.gov/artemis", "title": "Artemis - NASA"}},
        {"web": {"uri": "javascript:alert(1)", "title": "Evil"}},
        {"web": {"uri": "file:///etc/passwd", "title": "Local"}},
        {"web": {"uri": "https://en.wikipedia.org/wiki/Artemis_II", "domain": "wikipedia.org"}},
    ]
}


def _conversation_with_tools(directory: Path) -> Path:
    """A conversation as the app stores it: the transcript hands each finished turn,
    tool rows included, to the store."""
    store = TranscriptStore(directory, started_at=WHEN)
    transcript = Transcript(on_finished=store.append, clock=lambda: WHEN + 1)
    transcript.add_typed("What time is it in Paris? And how is Artemis II doing?")
    running = ToolCallRecord("c1", "get_time", {"zone": "Europe/Paris"}, started_at=WHEN + 2)
    transcript.show_tool_call(running)
    transcript.show_tool_call(
        dataclasses.replace(
            running,
            state=CallState.DONE,
            duration_s=0.0123,
            summary="It is 21:04\nin Paris (CEST).",
            status="ok",
        )
    )
    transcript.show_tool_call(
        ToolCallRecord(
            "c2",
            "open_url",
            {"url": "https://www.nasa.gov/"},
            source="mcp:browser",
            state=CallState.DENIED,
            started_at=WHEN + 3,
            duration_s=3.2,
            summary="The user denied this call.",
            reason="user",
        )
    )
    transcript.apply(OutputTranscript("It is nine. Artemis II flies around the Moon."))
    transcript.apply(Grounding(GROUNDING))
    transcript.apply(TurnComplete())
    return store.path


def test_stored_tool_calls_read_as_in_the_transcript(qapp, tmp_path: Path) -> None:  # noqa: F811
    path = _conversation_with_tools(tmp_path)
    stored = TranscriptStore.read(path)
    assert [t["role"] for t in stored] == ["user", "tool", "tool", "model"]
    dialog = HistoryDialog(tmp_path)
    dialog.open()
    process_events()
    texts = [dialog.turn_list.item(i).text() for i in range(dialog.turn_list.count())]
    assert texts[1] == (
        '⚙ get_time(zone="Europe/Paris") · done · 12 ms\n→ It is 21:04 in Paris (CEST).'
    )
    assert texts[2] == (
        '⚙ open_url(url="https://www.nasa.gov/") · denied: you denied it · 3.2 s'
        "\n→ The user denied this call."
    )
    assert not any("nothing was transcribed" in text for text in texts)
    tip = dialog.turn_list.item(2).toolTip()
    assert "From: MCP server browser" in tip and '"url": "https://www.nasa.gov/"' in tip

    copied = QSignalSpy(dialog.copied)
    dialog.turn_list.setCurrentRow(1)
    dialog.copy_current_turn()
    assert copied.count() == 1
    assert QGuiApplication.clipboard().text() == texts[1]
    dialog.close()


def test_an_answers_sources_are_links_under_the_list(
    qapp,  # noqa: F811
    tmp_path: Path,
    browser: Browser,  # noqa: F811
    qtbot: QtBot,
) -> None:
    _conversation_with_tools(tmp_path)
    dialog = HistoryDialog(tmp_path)
    dialog.show()
    process_events()
    answer = dialog.turn_list.item(3).text()
    assert answer.endswith(
        "Artemis II flies around the Moon.\nSources: Artemis - NASA · wikipedia.org"
    )
    assert "Evil" not in answer and "Local" not in answer  # web pages only
    assert "<https://www.nasa.gov/artemis>" in dialog.turn_list.item(3).toolTip()

    dialog.turn_list.setCurrentRow(0)  # the question: no sources
    assert not dialog.sources.isVisibleTo(dialog)
    dialog.turn_list.setCurrentRow(3)
    assert dialog.sources.isVisibleTo(dialog)
    assert dialog.sources.sources == [
        ("Artemis - NASA", "https://www.nasa.gov/artemis"),
        ("wikipedia.org", "https://en.wikipedia.org/wiki/Artemis_II"),
    ]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    link = dialog.sources.links[1]
    link.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(link.hasFocus)
    QTest.keyClick(link, Qt.Key.Key_Tab)  # into the label's link
    QTest.keyClick(link, Qt.Key.Key_Return)
    assert browser.opened == ["https://en.wikipedia.org/wiki/Artemis_II"]
    # Whatever the label's href says, the stored address is what opens.
    dialog.sources.links[0].linkActivated.emit("file:///etc/passwd")
    assert browser.opened[-1] == "https://www.nasa.gov/artemis"

    dialog.turn_list.setCurrentRow(1)  # a tool call: no sources
    assert not dialog.sources.isVisibleTo(dialog)
    dialog.export_to(tmp_path / "out.md", "md")
    markdown = (tmp_path / "out.md").read_text()
    assert "**Tool** `get_time`" in markdown
    assert "[Artemis - NASA](https://www.nasa.gov/artemis)" in markdown
    dialog.close()


def test_a_damaged_file_is_listed_as_damaged_and_the_rest_work(
    qapp,  # noqa: F811
    tmp_path: Path,
) -> None:
    good = _conversation(tmp_path, 1_700_000_000, ["a good chat", "its answer"])
    partly = _conversation(tmp_path, 1_700_100_000, ["partly good", "answer"])
    with partly.open("a", encoding="utf-8") as fh:
        fh.write('{"id": 9, "role": "user", "text": "x", "started_at": NaN}\n')
    bad = tmp_path / "20231201-000000.jsonl"
    bad.write_text("[" * 100_000 + "\n" + '{"started_at": 1e999}\n', encoding="utf-8")
    dialog = HistoryDialog(tmp_path)
    dialog.open()
    process_events()
    rows = [dialog.conversation_list.item(i) for i in range(dialog.conversation_list.count())]
    texts = [row.text() for row in rows]
    assert len(rows) == 3
    assert "partly good" in texts[0] and "could not be read: 1" in texts[0]
    assert "a good chat" in texts[1]
    assert bad.name in texts[2] and "damaged" in texts[2]
    assert not rows[2].flags() & Qt.ItemFlag.ItemIsEnabled  # listed, not openable
    dialog.conversation_list.setCurrentRow(1)
    assert [t["text"] for t in dialog.turns] == ["a good chat", "its answer"]
    dialog.export_to(tmp_path / "out.md", "md")
    assert (tmp_path / "out.md").stat().st_mode & 0o777 == 0o600
    assert good.exists()
    dialog.close()
