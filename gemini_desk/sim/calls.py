"""The function calls of one sim connection: issued, answered, cancelled, waited for.

A response is matched by id (by name to the oldest outstanding call when it has none).
One for a cancelled or unknown call is only recorded as late: the service ignores it.
``willContinue`` keeps a non-blocking call open for more responses; scheduling (SILENT,
WHEN_IDLE, the default, or INTERRUPT) applies to non-blocking calls only.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .protocol import get_key
from .records import SimSession, SimToolCall

BLOCKING = "BLOCKING"
NON_BLOCKING = "NON_BLOCKING"
SCHEDULINGS: tuple[str, ...] = ("SILENT", "WHEN_IDLE", "INTERRUPT")


def scheduling_of(response: Mapping[str, Any]) -> str:
    """A response's scheduling, WHEN_IDLE when left out or unspecified."""
    value = str(get_key(response, "scheduling") or "").rsplit(".", 1)[-1].upper()
    return value if value in SCHEDULINGS else "WHEN_IDLE"


class CallTable:
    """Every call of one connection, kept in ``record.tool_calls``."""

    def __init__(
        self, record: SimSession, behaviors: Mapping[str, str], default_behavior: str
    ) -> None:
        self.record = record
        self._behaviors = dict(behaviors)
        self._default = default_behavior
        self._numbers = itertools.count(1)
        self._changed = asyncio.Event()
        self.awaited: set[str] = set()  # ids a blocking turn is waiting for

    def behavior(self, name: str) -> str:
        return self._behaviors.get(name, self._default)

    def issue(
        self, name: str, args: dict[str, Any], origin: str, call_id: str | None = None
    ) -> SimToolCall:
        call = SimToolCall(
            id=call_id or f"function-call-{self.record.id}-{next(self._numbers)}",
            name=name,
            args=dict(args),
            behavior=self.behavior(name),
            issued_at=time.monotonic(),
            origin=origin,
        )
        self.record.tool_calls.append(call)
        return call

    def outstanding(self) -> list[SimToolCall]:
        return [c for c in self.record.tool_calls if c.outstanding]

    def _match(self, response: Mapping[str, Any]) -> SimToolCall | None:
        call_id = get_key(response, "id")
        if call_id:
            return self.record.tool_call(str(call_id))
        name = get_key(response, "name")
        return next((c for c in self.outstanding() if c.name == name), None)

    def accept(self, response: Mapping[str, Any]) -> SimToolCall | None:
        """Settle the call ``response`` answers; None (and recorded late) if there is none
        outstanding."""
        call = self._match(response)
        if call is None or not call.outstanding:
            self.record.note_late_response(dict(response))
            return None
        call.responses.append(dict(response))
        more = call.behavior == NON_BLOCKING and bool(get_key(response, "will_continue"))
        if call.behavior == NON_BLOCKING:
            call.scheduling = scheduling_of(response)
        if not more:
            call.state, call.answered_at = "answered", time.monotonic()
        self._changed.set()
        return call

    def cancel(self, ids: Sequence[str] | None = None) -> list[str]:
        """Cancel the outstanding calls among ``ids`` (all when None); their ids."""
        now = time.monotonic()
        out: list[str] = []
        for call in self.outstanding():
            if ids is None or call.id in ids:
                call.state, call.cancelled_at = "cancelled", now
                out.append(call.id)
        if out:
            self._changed.set()
        return out

    async def settled(self, calls: Sequence[SimToolCall]) -> bool:
        """Wait until none of ``calls`` is outstanding; True if all were answered."""
        self.awaited.update(c.id for c in calls)
        try:
            while any(c.outstanding for c in calls):
                self._changed.clear()
                await self._changed.wait()
        finally:
            self.awaited.difference_update(c.id for c in calls)
        return all(c.state == "answered" for c in calls)
