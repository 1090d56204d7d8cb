"""Export a stored conversation to Markdown or JSON, with timestamps and latencies."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

StoredTurn = Mapping[str, Any]
_SPEAKERS = {"user": "You", "model": "Gemini"}


def _stamp(value: object, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    return time.strftime(fmt, time.localtime(value))


def _iso(value: object) -> str | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(value))


def _latency(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 1)
    return None


def turn_text(turn: StoredTurn) -> str:
    """The words of one turn, as they would be copied to the clipboard."""
    return str(turn.get("text") or "").strip()


def to_markdown(turns: Sequence[StoredTurn], title: str = "Conversation") -> str:
    """A readable Markdown transcript: one section per turn, time and latency noted."""
    lines = [f"# {title}", ""]
    if turns:
        lines += [f"Started {_stamp(turns[0].get('started_at'))}.", ""]
    for turn in turns:
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
    return "\n".join(lines).rstrip() + "\n"


def to_json(turns: Sequence[StoredTurn], title: str = "Conversation") -> str:
    """A JSON document: ISO timestamps, epoch seconds and per-turn latency in ms."""
    items: list[dict[str, Any]] = []
    for turn in turns:
        started = turn.get("started_at")
        items.append(
            {
                "id": turn.get("id"),
                "role": turn.get("role"),
                "text": turn_text(turn),
                "started_at": _iso(started),
                "started_at_epoch": started if isinstance(started, int | float) else None,
                "latency_ms": _latency(turn.get("latency_ms")),
                "typed": bool(turn.get("typed")),
                "interrupted": bool(turn.get("interrupted")),
            }
        )
    document = {"title": title, "exported_at": _iso(time.time()), "turns": items}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
