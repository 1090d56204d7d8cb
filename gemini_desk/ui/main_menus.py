"""The main window's menu bar (File, Session, Share, Help) and its About box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from gemini_desk import __version__

if TYPE_CHECKING:
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["build_menus", "show_about"]

# Called as translate("MainWindow", "...") so that pyside6-lupdate finds the strings (in
# the window's context, where their translations are).
translate = QCoreApplication.translate


def build_menus(window: MainWindow) -> None:
    """Make the window's menu actions (``window.settings_action`` …) and menu bar.

    Each action emits the window's signal of the same meaning; Connect and Mute are
    the window's to connect (they depend on its state).
    """
    bar = window.menuBar()
    file_menu = bar.addMenu(translate("MainWindow", "&File"))
    window.settings_action = QAction(translate("MainWindow", "&Settings…"), window)
    window.settings_action.setShortcut(QKeySequence("Ctrl+,"))
    window.settings_action.triggered.connect(window.settingsRequested)
    window.api_key_action = QAction(translate("MainWindow", "&API key…"), window)
    window.api_key_action.triggered.connect(window.apiKeyRequested)
    window.quit_action = QAction(translate("MainWindow", "&Quit"), window)
    window.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    window.quit_action.triggered.connect(window.quitRequested)
    window.history_action = QAction(translate("MainWindow", "Conversation &history…"), window)
    window.history_action.setShortcut(QKeySequence("Ctrl+H"))
    window.history_action.triggered.connect(window.historyRequested)
    file_menu.addAction(window.history_action)
    file_menu.addAction(window.settings_action)
    file_menu.addAction(window.api_key_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)

    session_menu = bar.addMenu(translate("MainWindow", "&Session"))
    window.connect_action = QAction(translate("MainWindow", "&Connect"), window)
    window.connect_action.setShortcut(QKeySequence("Ctrl+Return"))
    # The shortcut lives on the action only: a second Ctrl+M on the button would be
    # an ambiguous shortcut and neither would fire.
    window.mute_action = QAction(translate("MainWindow", "&Mute microphone"), window)
    window.mute_action.setCheckable(True)
    window.mute_action.setShortcut(QKeySequence("Ctrl+M"))
    window.mini_action = QAction(translate("MainWindow", "M&ini mode"), window)
    window.mini_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
    window.mini_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    window.mini_action.triggered.connect(window.miniRequested)
    session_menu.addAction(window.connect_action)
    session_menu.addAction(window.mute_action)
    session_menu.addSeparator()
    session_menu.addAction(window.mini_action)

    bar.addMenu(window.share_bar.menu)

    help_menu = bar.addMenu(translate("MainWindow", "&Help"))
    window.about_action = QAction(translate("MainWindow", "&About Gemini Desk"), window)
    window.about_action.triggered.connect(lambda: show_about(window))
    window.diagnostics_action = QAction(translate("MainWindow", "Audio &diagnostics…"), window)
    window.diagnostics_action.triggered.connect(window.diagnosticsRequested)
    window.shortcuts_action = QAction(translate("MainWindow", "&Keyboard shortcuts"), window)
    window.shortcuts_action.setShortcut(QKeySequence("F1"))
    window.shortcuts_action.triggered.connect(window.shortcutsRequested)
    window.log_folder_action = QAction(translate("MainWindow", "Open &log folder"), window)
    window.log_folder_action.triggered.connect(window.logFolderRequested)
    help_menu.addAction(window.shortcuts_action)
    help_menu.addAction(window.diagnostics_action)
    help_menu.addAction(window.log_folder_action)
    help_menu.addSeparator()
    help_menu.addAction(window.about_action)


def show_about(window: MainWindow) -> QMessageBox:
    """Help > About: one box per window, opened with open() (exec() would nest an event
    loop under qasync)."""
    if window.about_box is None:
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(translate("MainWindow", "About Gemini Desk"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            translate(
                "MainWindow",
                "Gemini Desk %1\n\nA desktop voice assistant for the Gemini Live API: "
                "talk to Gemini, hear it answer, and read a live transcript.",
            ).replace("%1", __version__)
        )
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        window.about_box = box
    window.about_box.open()
    return window.about_box
