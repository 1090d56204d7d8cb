"""``mcp.json``: the MCP servers the user configured, in Claude Desktop's format.

::

    {"mcpServers": {
        "time": {"command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}},
        "notes": {"url": "https://example.com/mcp", "headers": {"Authorization": "…"}},
        "old": {"command": "old-server", "disabled": true}}}

A server has either a ``command`` (started over stdio) or a ``url`` (streamable HTTP).
Loading never fails: an entry that cannot be used is skipped and reported with a short
problem code, and the others load. Saving is atomic and keeps what it does not know
(other top-level keys, unknown keys of the entries it rewrites, entries it could not
read). Env values and headers are secrets: they are never logged.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("gemini_desk.tools")

FILE_NAME = "mcp.json"
SERVERS_KEY = "mcpServers"
_KNOWN_KEYS = frozenset({"command", "args", "env", "url", "headers", "disabled"})
_HTTP_TYPES = frozenset({"http", "streamable-http", "streamableHttp", "streamable_http"})


@dataclass(frozen=True, slots=True)
class McpServerConfig:
    """One configured MCP server: a ``command`` with ``args`` and ``env`` (stdio), or a
    ``url`` with ``headers`` (streamable HTTP)."""

    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True

    @property
    def transport(self) -> str:
        """``"stdio"`` or ``"http"``."""
        return "http" if self.url else "stdio"

    def __repr__(self) -> str:  # env values and headers are secrets
        target = self.url.split("?", 1)[0] if self.url else self.command
        return f"McpServerConfig(name={self.name!r}, {self.transport}={target!r})"

    def to_entry(self) -> dict[str, Any]:
        """The ``mcpServers`` entry for this server (known keys only)."""
        entry: dict[str, Any] = {}
        if self.url:
            entry["url"] = self.url
            if self.headers:
                entry["headers"] = dict(self.headers)
        else:
            entry["command"] = self.command
            if self.args:
                entry["args"] = list(self.args)
            if self.env:
                entry["env"] = dict(self.env)
        if not self.enabled:
            entry["disabled"] = True
        return entry


@dataclass(frozen=True, slots=True)
class McpConfigProblem:
    """Something in ``mcp.json`` that could not be used. ``server`` is "" for the file
    as a whole; ``code`` is machine-readable (the UI words it); ``detail`` says more, in
    plain English, never quoting a value."""

    server: str
    code: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class McpConfigFile:
    """What :func:`load_mcp_config` read: the usable servers, in file order, and the
    problems with the rest."""

    servers: Mapping[str, McpServerConfig] = field(default_factory=dict)
    problems: tuple[McpConfigProblem, ...] = ()


class _EntryError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def load_mcp_config(path: Path) -> McpConfigFile:
    """The servers in ``path``. A missing file has none; an unreadable or invalid one
    has none and one problem; a bad entry is left out and reported."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return McpConfigFile()
    except (OSError, UnicodeDecodeError) as exc:
        return _file_problem("unreadable", f"the file cannot be read ({type(exc).__name__})")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        return _file_problem("invalid_json", f"not valid JSON: {exc}")
    if not isinstance(raw, dict):
        return _file_problem("not_an_object", "the file must hold a JSON object")
    entries = raw.get(SERVERS_KEY, {})
    if not isinstance(entries, dict):
        return _file_problem("servers_not_an_object", f'"{SERVERS_KEY}" must be an object')
    servers: dict[str, McpServerConfig] = {}
    problems: list[McpConfigProblem] = []
    for name, entry in entries.items():
        try:
            servers[name] = _parse_entry(name, entry)
        except _EntryError as exc:
            problems.append(McpConfigProblem(name, exc.code, exc.detail))
            log.warning("mcp.json: server %r skipped (%s)", name, exc.code)
    return McpConfigFile(servers, tuple(problems))


def _parse_entry(name: str, entry: Any) -> McpServerConfig:
    """One ``mcpServers`` entry as a config; raises :class:`_EntryError`."""
    if not name.strip():
        raise _EntryError("bad_name", "a server needs a name")
    if not isinstance(entry, dict):
        raise _EntryError("entry_not_an_object", "a server entry must be an object")
    disabled = entry.get("disabled", False)
    if not isinstance(disabled, bool):
        raise _EntryError("bad_disabled", '"disabled" must be true or false')
    command, url = entry.get("command"), entry.get("url")
    if command is not None and url is not None:
        raise _EntryError("both_command_and_url", 'give either "command" or "url", not both')
    if entry.get("type") == "sse":
        raise _EntryError("unsupported_transport", "the SSE transport is not supported")
    if url is not None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _EntryError("bad_url", '"url" must be an http:// or https:// address')
        return McpServerConfig(
            name=name,
            url=url,
            headers=_string_map(entry, "headers", "bad_headers"),
            enabled=not disabled,
        )
    if command is None:
        raise _EntryError("no_command_or_url", 'a server needs a "command" or a "url"')
    if not isinstance(command, str) or not command.strip():
        raise _EntryError("bad_command", '"command" must be a non-empty string')
    args = entry.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise _EntryError("bad_args", '"args" must be a list of strings')
    return McpServerConfig(
        name=name,
        command=command,
        args=tuple(args),
        env=_string_map(entry, "env", "bad_env"),
        enabled=not disabled,
    )


def save_mcp_config(
    path: Path, servers: Mapping[str, McpServerConfig], *, keep_unreadable: bool = True
) -> None:
    """Write ``servers`` to ``path`` atomically (a crash never leaves half a file).

    Entries of ``servers`` replace the file's entries of the same name, keeping keys
    this module does not know; entries not in ``servers`` are removed, except those
    :func:`load_mcp_config` could not read (kept as the user wrote them unless
    ``keep_unreadable`` is false). Other top-level keys stay.
    """
    document, old_entries = _existing_document(path)
    entries: dict[str, Any] = {}
    for name, config in servers.items():
        entries[name] = {**_unknown_keys(old_entries.get(name), config), **config.to_entry()}
    if keep_unreadable:
        for name, old in old_entries.items():
            if name not in servers and not _readable(name, old):
                entries[name] = old
    document[SERVERS_KEY] = entries
    _write_atomically(path, document)
    log.info("mcp.json saved (%d servers)", len(entries))


def _existing_document(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The file's top-level object and its server entries ({} when there is none)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}, {}
    if not isinstance(raw, dict):
        return {}, {}
    entries = raw.get(SERVERS_KEY)
    return raw, dict(entries) if isinstance(entries, dict) else {}


def _unknown_keys(old: Any, config: McpServerConfig) -> dict[str, Any]:
    """The keys of ``old`` (the entry being rewritten) this module does not know, minus a
    ``type`` that no longer matches the transport."""
    if not isinstance(old, dict):
        return {}
    kept = {k: v for k, v in old.items() if k not in _KNOWN_KEYS}
    if "type" in kept and (kept["type"] in _HTTP_TYPES) != (config.transport == "http"):
        del kept["type"]
    return kept


def _readable(name: str, entry: Any) -> bool:
    try:
        _parse_entry(name, entry)
    except _EntryError:
        return False
    return True


def _write_atomically(path: Path, document: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".mcp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _string_map(entry: Mapping[str, Any], key: str, code: str) -> dict[str, str]:
    value = entry.get(key, {})
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _EntryError(code, f'"{key}" must map names to strings')
    return dict(value)


def _file_problem(code: str, detail: str) -> McpConfigFile:
    log.warning("mcp.json not used (%s)", code)
    return McpConfigFile(problems=(McpConfigProblem("", code, detail),))
