"""mcp.json: loading what can be used, reporting the rest, saving atomically without
losing what the app does not know, and never logging a secret."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from gemini_desk.tools.mcp_config import (
    McpConfigProblem,
    McpServerConfig,
    load_mcp_config,
    save_mcp_config,
)

SECRET = "sk-live-0123456789abcdef"


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def test_a_claude_desktop_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mcp.json",
        {
            "mcpServers": {
                "time": {
                    "command": "uvx",
                    "args": ["mcp-server-time", "--local-timezone", "UTC"],
                    "env": {"TZ": "UTC"},
                },
                "notes": {"url": "https://example.com/mcp", "headers": {"X-Token": SECRET}},
                "old": {"command": "old-server", "disabled": True},
            }
        },
    )
    loaded = load_mcp_config(path)
    assert loaded.problems == ()
    assert list(loaded.servers) == ["time", "notes", "old"]
    time, notes, old = loaded.servers.values()
    assert time == McpServerConfig(
        "time",
        command="uvx",
        args=("mcp-server-time", "--local-timezone", "UTC"),
        env={"TZ": "UTC"},
    )
    assert time.transport == "stdio"
    assert notes == McpServerConfig(
        "notes", url="https://example.com/mcp", headers={"X-Token": SECRET}
    )
    assert notes.transport == "http"
    assert old.enabled is False
    assert old.command == "old-server"


def test_a_missing_file_has_no_servers_and_no_problems(tmp_path: Path) -> None:
    loaded = load_mcp_config(tmp_path / "mcp.json")
    assert (dict(loaded.servers), loaded.problems) == ({}, ())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"mcpServers": {"time": {"command": "uvx",}}}', "invalid_json"),
        ("", "invalid_json"),
        ('["time"]', "not_an_object"),
        ('{"mcpServers": ["time"]}', "servers_not_an_object"),
    ],
)
def test_a_file_that_cannot_be_used_has_no_servers_and_one_problem(
    tmp_path: Path, text: str, code: str
) -> None:
    loaded = load_mcp_config(write(tmp_path / "mcp.json", text))
    assert dict(loaded.servers) == {}
    assert [(p.server, p.code) for p in loaded.problems] == [("", code)]
    assert loaded.problems[0].detail


def test_a_file_that_cannot_be_read_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "mcp.json").mkdir()
    loaded = load_mcp_config(tmp_path / "mcp.json")
    assert [p.code for p in loaded.problems] == ["unreadable"]


BAD_ENTRIES = {
    "nothing": ({"args": ["x"]}, "no_command_or_url"),
    "both": ({"command": "x", "url": "https://example.com/mcp"}, "both_command_and_url"),
    "number": ({"command": 42}, "bad_command"),
    "blank": ({"command": "  "}, "bad_command"),
    "args": ({"command": "x", "args": "--flag"}, "bad_args"),
    "args2": ({"command": "x", "args": ["--n", 3]}, "bad_args"),
    "env": ({"command": "x", "env": {"PORT": 8080}}, "bad_env"),
    "env2": ({"command": "x", "env": ["A=1"]}, "bad_env"),
    "url": ({"url": "ftp://example.com"}, "bad_url"),
    "url2": ({"url": 5}, "bad_url"),
    "headers": ({"url": "https://example.com/mcp", "headers": {"X": 1}}, "bad_headers"),
    "disabled": ({"command": "x", "disabled": "yes"}, "bad_disabled"),
    "sse": ({"url": "https://example.com/sse", "type": "sse"}, "unsupported_transport"),
    "list": (["x"], "entry_not_an_object"),
    " ": ({"command": "x"}, "bad_name"),
}


def test_bad_entries_are_skipped_and_reported_and_the_rest_load(tmp_path: Path) -> None:
    entries = {name: entry for name, (entry, _) in BAD_ENTRIES.items()}
    entries["good"] = {"command": "good-server"}
    loaded = load_mcp_config(write(tmp_path / "mcp.json", {"mcpServers": entries}))
    assert list(loaded.servers) == ["good"]
    assert [(p.server, p.code) for p in loaded.problems] == [
        (name, code) for name, (_, code) in BAD_ENTRIES.items()
    ]
    assert all(isinstance(p, McpConfigProblem) and p.detail for p in loaded.problems)


def test_no_mcp_servers_key_means_no_servers(tmp_path: Path) -> None:
    loaded = load_mcp_config(write(tmp_path / "mcp.json", {"globalShortcut": "Ctrl+Space"}))
    assert (dict(loaded.servers), loaded.problems) == ({}, ())


def test_saving_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "config" / "mcp.json"  # the folder does not exist yet
    servers = {
        "time": McpServerConfig("time", command="uvx", args=("mcp-server-time",), env={"A": "1"}),
        "web": McpServerConfig("web", url="https://example.com/mcp", headers={"X": "y"}),
        "off": McpServerConfig("off", command="off-server", enabled=False),
    }
    save_mcp_config(path, servers)
    assert load_mcp_config(path).servers == servers
    assert json.loads(path.read_text())["mcpServers"] == {
        "time": {"command": "uvx", "args": ["mcp-server-time"], "env": {"A": "1"}},
        "web": {"url": "https://example.com/mcp", "headers": {"X": "y"}},
        "off": {"command": "off-server", "disabled": True},
    }


def test_saving_keeps_what_the_app_does_not_know(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mcp.json",
        {
            "globalShortcut": "Ctrl+Space",
            "mcpServers": {
                "time": {
                    "command": "uvx",
                    "args": ["mcp-server-time"],
                    "type": "stdio",
                    "autoApprove": ["get_current_time"],
                },
                "web": {"url": "https://example.com/mcp", "type": "http", "timeout": 60},
                "gone": {"command": "gone-server", "note": "removed in Settings"},
                "broken": {"command": 42, "comment": "the user's own, unreadable"},
            },
        },
    )
    loaded = load_mcp_config(path)
    servers = dict(loaded.servers)
    del servers["gone"]
    servers["time"] = McpServerConfig(
        "time", command="uvx", args=("mcp-server-time",), enabled=False
    )
    servers["web"] = McpServerConfig("web", command="web-server")  # now over stdio
    save_mcp_config(path, servers)
    saved = json.loads(path.read_text())
    assert saved["globalShortcut"] == "Ctrl+Space"
    assert saved["mcpServers"] == {
        "time": {
            "type": "stdio",
            "autoApprove": ["get_current_time"],
            "command": "uvx",
            "args": ["mcp-server-time"],
            "disabled": True,
        },
        "web": {"timeout": 60, "command": "web-server"},
        "broken": {"command": 42, "comment": "the user's own, unreadable"},
    }
    save_mcp_config(path, servers, keep_unreadable=False)
    assert "broken" not in json.loads(path.read_text())["mcpServers"]


def test_saving_over_an_invalid_file_starts_afresh(tmp_path: Path) -> None:
    path = write(tmp_path / "mcp.json", "{not json")
    save_mcp_config(path, {"time": McpServerConfig("time", command="uvx")})
    assert json.loads(path.read_text()) == {"mcpServers": {"time": {"command": "uvx"}}}


def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "mcp.json", {"mcpServers": {"time": {"command": "uvx"}}})
    before = path.read_text()

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_mcp_config(path, {"other": McpServerConfig("other", command="x")})
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mcp.json"]


def test_secrets_are_never_logged_nor_shown_in_a_repr(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = write(
        tmp_path / "mcp.json",
        {
            "mcpServers": {
                "web": {"url": "https://example.com/mcp?key=" + SECRET, "headers": {"A": SECRET}},
                "cli": {"command": "x", "env": {"TOKEN": SECRET}},
                "bad": {"command": "x", "env": {"TOKEN": SECRET, "PORT": 1}},
            }
        },
    )
    loaded = load_mcp_config(path)
    save_mcp_config(path, loaded.servers)
    assert [p.code for p in loaded.problems] == ["bad_env"]
    assert caplog.records  # the problem and the save were logged
    shown = caplog.text + repr(loaded) + "".join(p.detail for p in loaded.problems)
    assert SECRET not in shown
