"""Add an MCP server: a name, and a command line (stdio) or a URL (streamable HTTP)."""

from __future__ import annotations

import shlex

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.ui.buttons import plain_buttons
from gemini_desk.ui.focus import chain

__all__ = ["AddServerDialog", "parse_env"]


def parse_env(text: str) -> tuple[dict[str, str], int]:
    """``KEY=VALUE`` lines as a dict; the second value is the number (from 1) of the
    first line that is not one (0 when all are). Blank lines and ``#`` comments are
    skipped."""
    env: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        key = key.strip()
        if not sep or not key or any(c.isspace() for c in key):
            return env, number
        env[key] = value
    return env, 0


class AddServerDialog(QDialog):
    """Asks for a new server. OK is enabled once the entries make a usable server;
    :meth:`config` is the result. Show it with ``open()``."""

    def __init__(self, taken: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._taken = taken
        self.setWindowTitle(self.tr("Add MCP server"))
        self.setObjectName("addServerDialog")

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("serverName")
        self.name_edit.setAccessibleName(self.tr("Server name"))
        self.command_radio = QRadioButton(self.tr("Run a &command:"))
        self.command_radio.setChecked(True)
        self.command_edit = QLineEdit()
        self.command_edit.setObjectName("serverCommand")
        self.command_edit.setAccessibleName(self.tr("Command line"))
        self.command_edit.setPlaceholderText("uvx mcp-server-time --local-timezone Europe/Paris")
        self.url_radio = QRadioButton(self.tr("Connect to a &URL:"))
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("serverUrl")
        self.url_edit.setAccessibleName(self.tr("Server URL"))
        self.url_edit.setPlaceholderText("http://127.0.0.1:8000/mcp")
        self.env_edit = QPlainTextEdit()
        self.env_edit.setObjectName("serverEnv")
        self.env_edit.setTabChangesFocus(True)
        self.env_edit.setAccessibleName(self.tr("Environment variables"))
        self.env_edit.setPlaceholderText("API_TOKEN=…")
        self.env_edit.setFixedHeight(72)
        env_hint = QLabel(self.tr("One KEY=VALUE per line, passed to the command."))
        env_hint.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("serverProblem")
        self.problem_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.command_radio, self.command_edit)
        form.addRow(self.url_radio, self.url_edit)
        form.addRow(self.tr("&Environment:"), self.env_edit)
        form.addRow("", env_hint)
        self.buttons = plain_buttons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

        for edit in (self.name_edit, self.command_edit, self.url_edit):
            edit.textChanged.connect(self._check)
        self.env_edit.textChanged.connect(self._check)
        self.command_radio.toggled.connect(self._check)
        chain(
            [
                self.name_edit,
                self.command_radio,
                self.command_edit,
                self.url_radio,
                self.url_edit,
                self.env_edit,
                *self.buttons.buttons(),
            ]
        )
        self._check()
        self.name_edit.setFocus()

    def config(self) -> McpServerConfig | None:
        """The server described, or None while something is missing or wrong."""
        return self._parse()[0]

    def problem(self) -> str:
        """Why OK is disabled ("" when it is not)."""
        return self._parse()[1]

    # --- internals ----------------------------------------------------------------------
    def _check(self) -> None:
        by_command = self.command_radio.isChecked()
        self.command_edit.setEnabled(by_command)
        self.env_edit.setEnabled(by_command)
        self.url_edit.setEnabled(not by_command)
        config, problem = self._parse()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(config is not None)
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))

    def _parse(self) -> tuple[McpServerConfig | None, str]:
        name = self.name_edit.text().strip()
        if not name:
            return None, self.tr("Give the server a name.")
        if name in self._taken:
            return None, self.tr("There is already a server called %1.").replace("%1", name)
        if self.url_radio.isChecked():
            url = self.url_edit.text().strip()
            parsed = QUrl(url)
            if not url:
                return None, self.tr("Enter the server's URL.")
            if parsed.scheme() not in ("http", "https") or not parsed.host():
                return None, self.tr("The URL must start with http:// or https://.")
            return McpServerConfig(name=name, url=url), ""
        try:
            words = shlex.split(self.command_edit.text())
        except ValueError:
            return None, self.tr("The command line has an unclosed quote.")
        if not words:
            return None, self.tr("Enter the command that starts the server.")
        env, bad_line = parse_env(self.env_edit.toPlainText())
        if bad_line:
            text = self.tr("Environment line %1 is not KEY=VALUE.")
            return None, text.replace("%1", str(bad_line))
        return McpServerConfig(name=name, command=words[0], args=tuple(words[1:]), env=env), ""
