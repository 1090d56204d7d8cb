"""Settings > Tools: Google Search, tool policies, MCP servers (with a fake ToolsSource)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import McpServerStatus, McpState, ToolPolicy, ToolSpec
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.ui.settings_dialog import SettingsDialog
from gemini_desk.ui.tools_settings import ToolsSettings, ToolsSource
from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401


class FakeTools:
    """The Tools page's port, as the app implements it, in memory."""

    def __init__(self) -> None:
        self.spec_list = [
            ToolSpec("get_current_time", "The time.", default_policy=ToolPolicy.ALLOW),
            ToolSpec("open_url", "Opens a page."),
            ToolSpec("get_time", "Time in a zone.", source="mcp:time"),
        ]
        self.status_list = [
            McpServerStatus("time", McpState.READY, ("get_time", "convert_time")),
            McpServerStatus(
                "files", McpState.FAILED, error="exited with status 1", stderr_tail="boom\nbye"
            ),
        ]
        self.configs = {
            "time": McpServerConfig("time", "uvx", ("mcp-server-time",)),
            "files": McpServerConfig("files", "python", ("server.py",)),
            "web": McpServerConfig("web", url="https://mcp.example/mcp", enabled=False),
        }
        self.saved: list[dict[str, McpServerConfig]] = []
        self.listeners: list[Callable[[], None]] = []

    def specs(self) -> list[ToolSpec]:
        return list(self.spec_list)

    def statuses(self) -> list[McpServerStatus]:
        return list(self.status_list)

    def servers(self) -> dict[str, McpServerConfig]:
        return dict(self.configs)

    def save_servers(self, servers: dict[str, McpServerConfig]) -> None:
        self.saved.append(dict(servers))
        self.configs = dict(servers)

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        self.listeners.append(callback)
        return lambda: self.listeners.remove(callback)

    def changed(self) -> None:
        for listener in list(self.listeners):
            listener()


def _is_source(fake: FakeTools) -> ToolsSource:
    return fake  # mypy checks FakeTools against the Protocol here


@pytest.fixture
def tools() -> FakeTools:
    return FakeTools()


@pytest.fixture
def dialog(qapp, qtbot: QtBot, tools: FakeTools) -> Iterator[SettingsDialog]:  # noqa: F811
    settings = Settings(tool_policies={"open_url": "never", "gone_tool": "allow"})
    dlg = SettingsDialog(
        settings, ["Mic"], ["Speaker"], message(MessageId.KEY_IN_KEYRING), tools=_is_source(tools)
    )
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    dlg.tabs.setCurrentWidget(dlg.tools)
    yield dlg
    dlg.close()
    dlg.deleteLater()


def _page(dialog: SettingsDialog) -> ToolsSettings:
    return dialog.tools


# --- Google Search and policies -------------------------------------------------------------
def test_policies_show_the_stored_choice_or_the_default(dialog: SettingsDialog) -> None:
    combos = _page(dialog).policy_combos
    assert list(combos) == ["get_current_time", "open_url", "get_time"]
    assert combos["get_current_time"].currentText() == "Always allow (default)"
    assert combos["open_url"].currentText() == "Never"
    assert combos["get_time"].currentText() == "Ask each time (default)"
    assert combos["get_time"].accessibleName() == "When Gemini calls get_time"
    assert combos["get_time"].toolTip() == "Time in a zone."


def test_ok_returns_search_and_policies(dialog: SettingsDialog) -> None:
    spy = QSignalSpy(dialog.settingsAccepted)
    page = _page(dialog)
    page.search_check.setChecked(False)
    combos = page.policy_combos
    combos["open_url"].setCurrentIndex(combos["open_url"].findData("ask"))  # back to default
    combos["get_time"].setCurrentIndex(combos["get_time"].findData("allow"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert spy.count() == 1
    new: Settings = spy.at(0)[0]
    assert new.google_search is False
    # A default is not stored; a choice for a tool not on offer now is kept.
    assert new.tool_policies == {"get_time": "allow", "gone_tool": "allow"}


def test_the_search_box_is_reached_with_its_mnemonic(dialog: SettingsDialog) -> None:
    page = _page(dialog)
    assert page.search_check.isChecked()
    QTest.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert page.search_check.hasFocus()


def test_without_a_source_the_page_offers_search_only(qapp) -> None:  # noqa: F811
    page = ToolsSettings(Settings(google_search=False, tool_policies={"x": "never"}), None)
    assert page.policy_combos == {}
    assert page.values() == {"google_search": False, "tool_policies": {"x": "never"}}
    assert page.servers.server_list.topLevelItemCount() == 0
    assert "No MCP servers yet" in page.servers.details_label.text()
    page.deleteLater()


# --- MCP servers --------------------------------------------------------------------------------
def _states(page: ToolsSettings) -> dict[str, tuple[str, bool]]:
    tree = page.servers.server_list
    out = {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        out[item.text(0)] = (item.text(1), item.checkState(0) == Qt.CheckState.Checked)
    return out


def test_servers_show_their_state(dialog: SettingsDialog) -> None:
    assert _states(_page(dialog)) == {
        "time": ("ready (2 tools)", True),
        "files": ("failed: exited with status 1", True),
        "web": ("disabled", False),
    }


def test_the_selected_server_shows_its_tools_and_stderr(dialog: SettingsDialog) -> None:
    panel = _page(dialog).servers
    assert panel.selected() == "time"
    assert "Command: uvx mcp-server-time" in panel.details_label.text()
    assert "Tools: get_time, convert_time" in panel.details_label.text()
    panel.server_list.setFocus()
    QTest.keyClick(panel.server_list, Qt.Key.Key_Down)
    assert panel.selected() == "files"
    assert panel.stderr_view.toPlainText() == "boom\nbye"
    assert panel.stderr_view.isReadOnly()
    QTest.keyClick(panel.server_list, Qt.Key.Key_Down)
    assert "URL: https://mcp.example/mcp" in panel.details_label.text()


def test_states_update_live_and_stop_when_the_dialog_closes(
    dialog: SettingsDialog, tools: FakeTools, qtbot: QtBot
) -> None:
    page = _page(dialog)
    tools.status_list = [McpServerStatus("time", McpState.STARTING)]
    # The source may call back from its own thread: the page hears it on the GUI thread.
    thread = threading.Thread(target=tools.changed)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: _states(page)["time"] == ("starting…", True))
    assert _states(page)["files"] == ("not started (starts when you connect)", True)
    assert len(tools.listeners) == 1
    dialog.reject()
    assert tools.listeners == []


def test_new_tools_join_the_list_and_choices_made_stay(
    dialog: SettingsDialog, tools: FakeTools, qtbot: QtBot
) -> None:
    page = _page(dialog)
    combo = page.policy_combos["get_time"]
    combo.setCurrentIndex(combo.findData("never"))
    tools.spec_list.append(ToolSpec("convert_time", "Converts.", source="mcp:time"))
    tools.changed()  # the server's tool list changed while the dialog is open
    assert list(page.policy_combos) == ["get_current_time", "open_url", "get_time", "convert_time"]
    assert page.policy_combos["get_time"].currentData() == "never"
    policies = {"open_url": "never", "get_time": "never", "gone_tool": "allow"}
    assert page.values()["tool_policies"] == policies
    # Tab reaches the new combo in reading order, before the servers' buttons.
    qtbot.waitUntil(page.policy_combos["convert_time"].isVisible)  # shown by the layout
    last = page.policy_combos["get_time"]
    last.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(last, Qt.Key.Key_Tab)
    assert page.policy_combos["convert_time"].hasFocus()
    QTest.keyClick(page.policy_combos["convert_time"], Qt.Key.Key_Tab)
    assert page.servers.add_button.hasFocus()


def test_space_toggles_a_server_and_saves_at_once(dialog: SettingsDialog, tools: FakeTools) -> None:
    panel = _page(dialog).servers
    panel.server_list.setFocus()
    assert panel.selected() == "time"
    QTest.keyClick(panel.server_list, Qt.Key.Key_Space)
    assert tools.saved[-1]["time"].enabled is False
    assert tools.saved[-1]["time"].args == ("mcp-server-time",)  # the rest unchanged
    assert _states(_page(dialog))["time"] == ("disabled", False)
    QTest.keyClick(panel.server_list, Qt.Key.Key_Space)
    assert tools.saved[-1]["time"].enabled is True


def test_remove_saves_the_rest(dialog: SettingsDialog, tools: FakeTools) -> None:
    panel = _page(dialog).servers
    panel.server_list.setCurrentItem(panel.server_list.topLevelItem(1))
    QTest.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert list(tools.saved[-1]) == ["time", "web"]
    assert list(_states(_page(dialog))) == ["time", "web"]


def test_open_mcp_json_is_a_request(dialog: SettingsDialog) -> None:
    spy = QSignalSpy(dialog.mcpConfigRequested)
    QTest.mouseClick(_page(dialog).servers.open_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 1


def test_add_a_command_server(dialog: SettingsDialog, tools: FakeTools, qtbot: QtBot) -> None:
    panel = _page(dialog).servers
    add = panel.open_add_dialog()
    qtbot.waitExposed(add)
    ok = add.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and add.problem() == "Give the server a name."
    QTest.keyClicks(add.name_edit, "time")
    assert add.problem() == "There is already a server called time."
    add.name_edit.setText("notes")
    QTest.keyClicks(add.command_edit, 'uvx notes-server --dir "My Notes"')
    add.env_edit.setPlainText("TOKEN=abc=def\nnot a pair")
    assert add.problem() == "Environment line 2 is not KEY=VALUE."
    add.env_edit.setPlainText("TOKEN=abc=def\n\n# a comment\nMODE = fast")
    assert ok.isEnabled()
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    added = tools.saved[-1]["notes"]
    assert (added.command, added.args) == ("uvx", ("notes-server", "--dir", "My Notes"))
    assert dict(added.env) == {"TOKEN": "abc=def", "MODE": " fast"}
    assert added.transport == "stdio" and added.enabled
    assert panel.selected() == "notes"


def test_add_a_url_server(dialog: SettingsDialog, tools: FakeTools, qtbot: QtBot) -> None:
    add = _page(dialog).servers.open_add_dialog()
    add.activateWindow()
    qtbot.waitUntil(add.isActiveWindow)
    add.name_edit.setText("remote")
    QTest.keyClick(add, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # "Connect to a URL"
    qtbot.waitUntil(add.url_radio.isChecked)
    assert not add.command_edit.isEnabled() and add.url_edit.isEnabled()
    add.url_edit.setText("ftp://nope")
    assert add.problem() == "The URL must start with http:// or https://."
    add.url_edit.setText("http://127.0.0.1:8000/mcp")
    config = add.config()
    assert config is not None and config.transport == "http"
    add.accept()
    assert tools.saved[-1]["remote"].url == "http://127.0.0.1:8000/mcp"


def test_an_unclosed_quote_is_explained(dialog: SettingsDialog, qtbot: QtBot) -> None:
    add = _page(dialog).servers.open_add_dialog()
    add.name_edit.setText("x")
    add.command_edit.setText('run "unclosed')
    assert add.problem() == "The command line has an unclosed quote."
    add.reject()


# --- keyboard -----------------------------------------------------------------------------------
def _mnemonic(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
    if isinstance(widget, QLabel) and widget.buddy() is None:
        return ""
    plain = text.replace("&&", "")
    return plain[plain.index("&") + 1].lower() if "&" in plain else ""


def test_mnemonics_do_not_clash_on_either_page(dialog: SettingsDialog) -> None:
    tab_letters = [
        dialog.tabs.tabText(i)[dialog.tabs.tabText(i).index("&") + 1].lower()
        for i in range(dialog.tabs.count())
    ]
    for page in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(page)
        shown = [w for w in dialog.findChildren(QWidget) if w.isVisible()]
        letters = tab_letters + [m for m in map(_mnemonic, shown) if m]
        assert len(letters) == len(set(letters)), (page, sorted(letters))


def test_tab_reaches_every_control_of_the_tools_page(dialog: SettingsDialog) -> None:
    page = _page(dialog)
    page.search_check.setFocus(Qt.FocusReason.TabFocusReason)
    seen: list[QWidget] = []
    for _ in range(40):
        current = QApplication.focusWidget()
        assert current is not None
        if current in seen:
            break
        seen.append(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
    expected = [page.search_check, *page.policy_combos.values(), *page.servers.focus_order()]
    assert seen[: len(expected)] == expected
    assert seen[len(expected) : len(expected) + 2] == dialog.buttons.buttons()
    assert dialog.tabs.tabBar() in seen  # and round to the page tabs
