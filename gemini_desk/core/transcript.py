"""Transcript model: joins transcription fragments into timestamped turns, with the
model's tool calls as rows of their own."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gemini_desk.core.events import (
    Grounding,
    InputTranscript,
    InterimInputTranscript,
    Interrupted,
    LiveEvent,
    ModelText,
    OutputTranscript,
    TurnComplete,
)
from gemini_desk.core.tools import ToolCallRecord
from gemini_desk.core.turn_reasons import blocked_by

MAX_TURN_CHARS = 50_000
"""The most a turn keeps (and a live caption shows). A spoken answer of ten minutes is
about 10 000 characters; a turn that streams for ever keeps its first ``MAX_TURN_CHARS``
and is marked ``truncated``, and what comes after costs nothing."""


class Role(enum.Enum):
    USER = "user"
    MODEL = "model"
    TOOL = "tool"  # one tool call: ``Turn.tool`` says which, and how it went


@dataclass(slots=True)
class Turn:
    """One speaker's contribution; mutable while it streams, frozen once finished."""

    id: int
    role: Role
    text: str = ""
    started_at: float = field(default_factory=time.time)
    finished: bool = False
    typed: bool = False
    interrupted: bool = False
    latency_ms: float | None = None
    server_ms: float | None = None  # the server's share of latency_ms (to first audio received)
    # Live caption: what the user seems to be saying now, until the final text replaces it.
    interim: str = ""
    blocked: str = ""  # the turnCompleteReason that withheld this answer ("" if none)
    grounding: list[dict[str, object]] = field(default_factory=list)
    tool: ToolCallRecord | None = None  # the call a TOOL row shows
    truncated: bool = False  # text beyond MAX_TURN_CHARS was dropped
    # A typed message: "sending" until it is on the wire, "not_sent" when its connection
    # ended first, "resent" once it was sent again as a new turn; "" when it went out.
    delivery: str = ""

    @property
    def shown_text(self) -> str:
        """The final text so far followed by the live caption, if any."""
        if not self.interim:
            return self.text
        return f"{self.text} {self.interim}" if self.text else self.interim

    def to_dict(self) -> dict[str, object]:
        extra: dict[str, object] = {}
        if self.blocked:
            extra["blocked"] = self.blocked
        if self.grounding:
            extra["grounding"] = self.grounding
        if self.tool is not None:
            extra["tool"] = self.tool.to_dict()
        if self.truncated:
            extra["truncated"] = True
        if self.delivery in ("not_sent", "resent"):
            extra["not_sent"] = True
        return extra | {
            "id": self.id,
            "role": self.role.value,
            "text": self.text,
            "started_at": self.started_at,
            "finished": self.finished,
            "typed": self.typed,
            "interrupted": self.interrupted,
            "latency_ms": self.latency_ms,
            "server_ms": self.server_ms,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Turn:
        """A turn as :meth:`to_dict` stored it; wrongly typed fields get defaults."""

        def number(key: str) -> float | None:
            value = data.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return float(value)

        try:
            role = Role(str(data.get("role", "")))
        except ValueError:
            role = Role.MODEL
        raw_id = data.get("id")
        grounding = data.get("grounding")
        tool = data.get("tool")
        return cls(
            id=raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else 0,
            role=role,
            text=str(data.get("text") or ""),
            started_at=number("started_at") or 0.0,
            finished=bool(data.get("finished", True)),
            typed=bool(data.get("typed")),
            interrupted=bool(data.get("interrupted")),
            latency_ms=number("latency_ms"),
            server_ms=number("server_ms"),
            blocked=str(data.get("blocked") or ""),
            grounding=[g for g in grounding if isinstance(g, dict)]
            if isinstance(grounding, list)
            else [],
            tool=ToolCallRecord.from_dict(tool) if isinstance(tool, Mapping) else None,
            truncated=data.get("truncated") is True,
            delivery="not_sent" if data.get("not_sent") is True else "",
        )


TurnListener = Callable[[Turn], None]


def _join(existing: str, fragment: str) -> str:
    """Append a streamed fragment; the service sends fragments with their own spacing."""
    if not existing:
        return fragment.lstrip()
    return existing + fragment


def _set_text(turn: Turn, text: str) -> None:
    """``turn.text = text``, cut at ``MAX_TURN_CHARS`` (and marked so)."""
    if len(text) > MAX_TURN_CHARS:
        text = text[:MAX_TURN_CHARS]
        turn.truncated = True
    turn.text = text


class Transcript:
    """Ordered turns of a conversation.

    The service streams the user's transcription and the model's side by side, and the
    user's fragments can arrive after the model has begun. So each role has at most one
    open turn; a user turn always sits before the model turn of the same exchange, and
    both close at ``TurnComplete``. A tool call is a TOOL row of its own, updated in
    place as the call goes on and closed when the call ends (not at ``TurnComplete``).
    ``on_change`` is called with every turn created or changed, ``on_finished`` once per
    turn when it closes.
    """

    def __init__(
        self,
        on_change: TurnListener | None = None,
        on_finished: TurnListener | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.turns: list[Turn] = []
        self._open: dict[Role, Turn] = {}
        self._open_tools: dict[str, Turn] = {}  # call id -> its row, until the call ends
        self._on_change = on_change
        self._on_finished = on_finished
        self._clock = clock
        self._next_id = 1
        self._pending_latency: float | None = None
        self._pending_server: float | None = None
        self._sending: dict[int, Turn] = {}  # typed turns not on the wire yet, by id

    # --- inputs ---------------------------------------------------------------
    def add_typed(self, text: str, sending: bool = False) -> Turn:
        """A message the user typed: a finished user turn at once, or with ``sending``
        one marked "sending" until :meth:`text_sent` (or :meth:`not_sent`) closes it."""
        self.finish_all()
        turn = self._new(Role.USER, text.strip(), typed=True)
        if sending:
            turn.delivery = "sending"
            self._sending[turn.id] = turn
            self._notify(turn)
        else:
            self._finish(turn)
        return turn

    def text_sent(self, turn_id: int) -> None:
        """The typed turn ``turn_id`` reached the connection: it closes, sent."""
        turn = self._sending.pop(turn_id, None)
        if turn is not None:
            turn.delivery = ""
            self._finish(turn)

    def not_sent(self) -> list[Turn]:
        """The connection ended: every typed turn still sending closes as not sent."""
        failed = list(self._sending.values())
        self._sending.clear()
        for turn in failed:
            turn.delivery = "not_sent"
            self._finish(turn)
        return failed

    def mark_resent(self, turn_id: int) -> Turn | None:
        """A turn that was not sent is being sent again (as a new turn): the old one
        keeps its "not sent" mark but offers no retry any more. The old turn, or None."""
        for turn in self.turns:
            if turn.id == turn_id and turn.delivery == "not_sent":
                turn.delivery = "resent"
                self._notify(turn)
                return turn
        return None

    def apply(self, event: LiveEvent) -> None:
        """Fold one live event into the transcript."""
        if isinstance(event, InterimInputTranscript):
            self._set_interim(event.text)
        elif isinstance(event, InputTranscript):
            if event.text:
                self._extend(Role.USER, event.text, final=True)
            if event.finished:
                self._finish_role(Role.USER)
        elif isinstance(event, OutputTranscript | ModelText):
            if event.text:
                self._extend(Role.MODEL, event.text)
            if isinstance(event, OutputTranscript) and event.finished:
                self._finish_role(Role.MODEL)
        elif isinstance(event, Interrupted):
            model = self._open.get(Role.MODEL)
            if model is not None:
                model.interrupted = True
                self._notify(model)
        elif isinstance(event, Grounding):
            model = self._open_turn(Role.MODEL)
            model.grounding.append(event.metadata)
            self._notify(model)
        elif isinstance(event, TurnComplete):
            if event.cut:
                self._mark_cut()
            if blocked_by(event.reason) is not None:
                model = self._open_turn(Role.MODEL)
                model.blocked = event.reason
                self._notify(model)
            self.finish_all()

    def show_tool_call(self, record: ToolCallRecord) -> Turn:
        """Show ``record``: a new row for a call not shown yet (after the answer being
        given, which is the last turn while it is open), else its row updated in place.
        The row closes when the call ends (``record.state.final``). Returns the row."""
        turn = self._open_tools.get(record.call_id)
        if turn is None:
            turn = Turn(id=self._next_id, role=Role.TOOL, started_at=self._clock(), tool=record)
            self._next_id += 1
            self.turns.append(turn)
            self._open_tools[record.call_id] = turn
        else:
            turn.tool = record
        self._notify(turn)
        if record.state.final:
            del self._open_tools[record.call_id]
            self._finish(turn)
        return turn

    def set_latency(self, latency_ms: float, server_ms: float | None = None) -> None:
        """Attach a response latency (and the server's share of it) to the answer.

        The first audio usually arrives before the first transcription fragment, so
        with no model turn open the figures wait for the next one.
        """
        turn = self._open.get(Role.MODEL)
        if turn is None and self.turns and self.turns[-1].role is Role.MODEL:
            # The answer closed before its first sample played (a stalled device): the
            # figure is still this answer's, never the next one's.
            turn = self.turns[-1]
        if turn is None:
            self._pending_latency, self._pending_server = latency_ms, server_ms
            return
        turn.latency_ms, turn.server_ms = latency_ms, server_ms
        self._notify(turn)

    def finish_all(self, cut: bool = False) -> None:
        """Close whatever is open (turn complete, disconnect, shutdown); ``cut``: an
        answer still open was cut off (marked interrupted)."""
        if cut:
            self._mark_cut()
        for role in (Role.USER, Role.MODEL):
            self._finish_role(role)
        # A figure still waiting belongs to an answer that never got a turn; it must not
        # be pinned on the next one.
        self._pending_latency = self._pending_server = None

    def restore(self, turns: list[Turn]) -> None:
        """Replace everything with ``turns`` of a stored conversation (numbered anew,
        finished): each is shown, none is stored again."""
        self.turns = []
        self._open.clear()
        self._open_tools.clear()
        self._pending_latency = self._pending_server = None
        self._next_id = 1
        for turn in turns:
            turn.id, turn.finished, turn.interim = self._next_id, True, ""
            self._next_id += 1
            self.turns.append(turn)
            self._notify(turn)

    @property
    def finished_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.finished]

    # --- internals ------------------------------------------------------------
    def _mark_cut(self) -> None:
        model = self._open.get(Role.MODEL)
        if model is not None and not model.interrupted:
            model.interrupted = True
            self._notify(model)

    def _new(self, role: Role, text: str, typed: bool = False) -> Turn:
        turn = Turn(id=self._next_id, role=role, started_at=self._clock(), typed=typed)
        _set_text(turn, text)
        self._next_id += 1
        if role is Role.MODEL:
            turn.latency_ms, self._pending_latency = self._pending_latency, None
            turn.server_ms, self._pending_server = self._pending_server, None
        model = self._open.get(Role.MODEL)
        if role is Role.USER and model is not None:
            # A late first fragment of what the user said: it belongs before the answer.
            self.turns.insert(self.turns.index(model), turn)
        else:
            self.turns.append(turn)
        self._notify(turn)
        return turn

    def _open_turn(self, role: Role) -> Turn:
        turn = self._open.get(role)
        if turn is None:
            turn = self._open[role] = self._new(role, "")
        return turn

    def _extend(self, role: Role, fragment: str, final: bool = False) -> None:
        turn = self._open.get(role)
        if turn is None:
            self._open[role] = self._new(role, fragment.lstrip())
            return
        if turn.truncated:  # full: the rest is dropped, and costs nothing
            if final and turn.interim:
                turn.interim = ""
                self._notify(turn)
            return
        # Bounded by MAX_TURN_CHARS: the copy a fragment costs cannot grow for ever.
        _set_text(turn, _join(turn.text, fragment))
        if final:
            turn.interim = ""  # the final words replace the live caption
        self._notify(turn)

    def _set_interim(self, text: str) -> None:
        text = text[:MAX_TURN_CHARS]
        turn = self._open.get(Role.USER)
        if turn is None:
            if not text:
                return  # an empty caption starts nothing
            turn = self._open_turn(Role.USER)
        if turn.interim != text:
            turn.interim = text
            self._notify(turn)

    def _finish_role(self, role: Role) -> None:
        turn = self._open.pop(role, None)
        if turn is not None:
            self._finish(turn)

    def _finish(self, turn: Turn) -> None:
        # A caption that no final transcription replaced is the best record there is.
        _set_text(turn, turn.shown_text.strip())
        turn.interim = ""
        turn.finished = True
        self._notify(turn)
        if self._on_finished is not None:
            self._on_finished(turn)

    def _notify(self, turn: Turn) -> None:
        if self._on_change is not None:
            self._on_change(turn)
