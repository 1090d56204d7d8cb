"""The recent transcript as plain text, to seed a new session with what was said."""

from __future__ import annotations

from collections.abc import Sequence

from gemini_desk.core.transcript import Role, Turn

_NAMES = {Role.USER: "User", Role.MODEL: "You"}
CONTEXT_HEADER = (
    "The connection to the user was re-established and the earlier session could not be "
    "resumed. The conversation so far, oldest first:"
)


def recent_context(turns: Sequence[Turn], max_turns: int = 20, max_chars: int = 4000) -> str:
    """The last finished turns as ``User: …`` / ``You: …`` lines, newest kept first.

    Empty when nothing was said yet. Lines are dropped from the oldest end until both
    limits hold, so the most recent exchange always survives.
    """
    lines: list[str] = []
    size = 0
    for turn in reversed([t for t in turns if t.finished and t.text.strip()]):
        line = f"{_NAMES[turn.role]}: {' '.join(turn.text.split())}"
        if len(lines) >= max_turns or (lines and size + len(line) + 1 > max_chars):
            break
        lines.append(line[:max_chars])
        size += len(line) + 1
    if not lines:
        return ""
    return CONTEXT_HEADER + "\n" + "\n".join(reversed(lines))
