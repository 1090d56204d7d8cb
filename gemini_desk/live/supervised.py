"""One connection as the supervisor keeps it: what it heard, the calls it made, and
how what it had not sent moves to the next one."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from gemini_desk.core.events import SessionError, ToolCall, ToolCallCancellation
from gemini_desk.core.settings import Settings
from gemini_desk.live.outbox import Outgoing, UtteranceLog
from gemini_desk.live.session import LiveSession

# LiveSession queue kinds -> outbox kinds (audio and activity signals are utterance parts).
_OUTBOX_KIND = {
    "audio": "audio",
    "video": "video",
    "activity_start": "activity",
    "activity_end": "activity",
}


@dataclass
class SupervisedConnection:
    """One LiveSession the supervisor started."""

    session: LiveSession
    task: asyncio.Task[None] | None = None
    # Sent since the model last answered: the utterance it has not answered yet.
    heard: UtteranceLog[LiveSession] = field(default_factory=UtteranceLog)
    error: SessionError | None = None  # reported with its end
    ended: bool = False  # its end was given to the machine
    calls: set[str] = field(default_factory=set)  # function calls it made, not yet answered


def track_call(
    conn_id: int, conn: SupervisedConnection, event: ToolCall | ToolCallCancellation
) -> ToolCall | ToolCallCancellation:
    """Note a call the connection made (or withdrew); the event, tagged with its origin."""
    if isinstance(event, ToolCall):
        conn.calls.add(event.call_id)
    else:
        conn.calls.difference_update(event.call_ids)
    return dataclasses.replace(event, origin=conn_id)


def resend(item: Any) -> Outgoing[LiveSession]:
    """An item taken from one LiveSession's queue, to queue on another."""
    return Outgoing(
        _OUTBOX_KIND.get(item.kind, "other"),
        lambda session: session.enqueue([item]),
        item.data if item.kind == "audio" else None,
    )


def unsent(conn: SupervisedConnection) -> list[Outgoing[LiveSession]]:
    """What ``conn`` had not sent yet, to go first on the next connection."""
    # A tool response belongs to its own connection: its call ended with it.
    items = [resend(i) for i in conn.session.take_unsent() if i.kind != "tool_response"]
    # Those never reached the old connection: not part of what it heard.
    conn.heard.forget_newest(sum(1 for item in items if item.utterance))
    return items


def seeded(settings: Settings, context: str) -> Settings:
    """``settings`` for a fresh session: ``context`` appended to the system instruction."""
    context = context.strip()
    if not context:
        return settings
    base = settings.system_instruction.strip()
    instruction = f"{base}\n\n{context}" if base else context
    return dataclasses.replace(settings, system_instruction=instruction)
