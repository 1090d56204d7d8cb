"""Export a stored conversation to Markdown or JSON, with timestamps and latencies,
tool calls and the sources of grounded answers."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gemini_desk.core.grounding import sources_of
from gemini_desk.core.private_files import write_atomic
from gemini_desk.core.stored_turns import valid_time
from gemini_desk.core.tools import ToolCallRecord

StoredTurn = Mapping[str, Any]
_SPEAKERS = {"user": "You", "model": "Gemini"}
# Why a call ended the way it did, in the export's words.
_REASONS = {
    "user": "declined",
    "timeout": "timed out",
    "server": "withdrawn by the service",
    "barge_in": "talked over",
    "connection": "connection lost",
    "policy": "turned off",
    "shutdown": "app closed",
}
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def write_export(path: Path, text: str) -> None:
    """Write an export to ``path`` in one step, readable by its owner only (0600): a
    failure (disk full) leaves what was there before and no temporary file. Raises
    OSError."""
    write_atomic(path, text.encode("utf-8"))


def _stamp(value: object, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    if not valid_time(value):
        return ""
    return time.strftime(fmt, time.localtime(value))


def _iso(value: object) -> str | None:
    if not valid_time(value):
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(value))


def _latency(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            latency = round(float(value), 1)
        except OverflowError:
            return None
        return latency if math.isfinite(latency) else None
    return None


def turn_text(turn: StoredTurn) -> str:
    """The words of one turn, as they would be copied to the clipboard."""
    return str(turn.get("text") or "").strip()


def turn_sources(turn: StoredTurn) -> list[tuple[str, str]]:
    """``(title, uri)`` of the web sources of a stored answer, in order, each once."""
    grounding = turn.get("grounding")
    return sources_of(grounding) if isinstance(grounding, list) else []


def _tool_record(turn: StoredTurn) -> ToolCallRecord | None:
    data = turn.get("tool")
    return ToolCallRecord.from_dict(data) if isinstance(data, Mapping) else None


def duration_text(seconds: float | None) -> str:
    """``0.012`` -> "12 ms", ``2.34`` -> "2.3 s", None -> ""."""
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link(title: str, uri: str) -> str:
    uri = uri.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    uri = uri.replace("<", "%3C").replace(">", "%3E")
    return f"[{title.translate(_MD_SPECIAL)}]({uri})"


def _tool_markdown(turn: StoredTurn, record: ToolCallRecord) -> list[str]:
    """A tool row: name, time, state, why, duration and result, then the arguments."""
    notes = [_stamp(turn.get("started_at"), "%H:%M:%S"), record.state.value]
    notes += [_REASONS.get(record.reason, record.reason), duration_text(record.duration_s)]
    line = f"**Tool** {_code(record.name)} ({', '.join(n for n in notes if n)})"
    summary = " ".join(record.summary.split())
    lines = [f"{line}: {summary.translate(_MD_SPECIAL)}" if summary else line, ""]
    if record.args:
        args = json.dumps(dict(record.args), ensure_ascii=False, default=str)
        lines += [f"Arguments: {_code(args)}", ""]
    return lines


def to_markdown(turns: Sequence[StoredTurn], title: str = "Conversation") -> str:
    """A readable Markdown transcript: one section per turn, time and latency noted;
    tool calls on a line each, and the sources of an answer as links under it."""
    lines = [f"# {title}", ""]
    if turns:
        lines += [f"Started {_stamp(turns[0].get('started_at'))}.", ""]
    for turn in turns:
        record = _tool_record(turn)
        if record is not None:
            lines += _tool_markdown(turn, record)
            continue
        role = str(turn.get("role", ""))
        notes = [_stamp(turn.get("started_at"), "%H:%M:%S")]
        latency = _latency(turn.get("latency_ms"))
        if latency is not None:
            notes.append(f"answered after {latency:.0f} ms")
        if turn.get("typed"):
            notes.append("typed")
        if turn.get("interrupted"):
            notes.append("interrupted")
        heading = f"**{_SPEAKERS.get(role, role.title() or 'Unknown')}**"
        meta = ", ".join(n for n in notes if n)
        lines.append(f"{heading} ({meta})" if meta else heading)
        lines.append("")
        # Quote each line so that Markdown in what was said is shown, not interpreted.
        text = turn_text(turn) or "(nothing was transcribed)"
        lines += [f"> {line}" if line else ">" for line in text.splitlines()]
        lines.append("")
        if found := turn_sources(turn):
            lines += ["Sources:", ""]
            lines += [f"- {_link(name, uri)}" for name, uri in found]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_json(turns: Sequence[StoredTurn], title: str = "Conversation") -> str:
    """A JSON document: ISO timestamps, epoch seconds and per-turn latency in ms; a tool
    row's call as "tool" (else null) and an answer's web sources as "sources"."""
    items: list[dict[str, Any]] = []
    for turn in turns:
        started = turn.get("started_at")
        items.append(
            {
                "id": turn.get("id"),
                "role": turn.get("role"),
                "text": turn_text(turn),
                "started_at": _iso(started),
                "started_at_epoch": started if valid_time(started) else None,
                "latency_ms": _latency(turn.get("latency_ms")),
                "typed": bool(turn.get("typed")),
                "interrupted": bool(turn.get("interrupted")),
                "tool": record.to_dict() if (record := _tool_record(turn)) else None,
                "sources": [{"title": t, "uri": u} for t, u in turn_sources(turn)],
            }
        )
    document = {"title": title, "exported_at": _iso(time.time()), "turns": items}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
