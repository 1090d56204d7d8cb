"""The tool call machine under random event sequences: invariants that must always hold.

A small world stands in for the driver: it shows and hides cards, starts and stops runs
and keeps timers as told, and at random (seeded) delivers calls (new ones, duplicates,
unknown tools, on several connections), the user's answers, results (also late ones),
timer expiries, cancellations, barge-ins and dropped connections; then shuts down.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from gemini_desk.core.tools import CallState, ToolPolicy, ToolResult, ToolSpec
from gemini_desk.tools.call_types import (
    AskUser,
    BargeIn,
    CallArrived,
    Cancelled,
    CancelTimer,
    Command,
    ConnectionEnded,
    Event,
    Record,
    RememberAlways,
    RunFinished,
    SendResponse,
    Shutdown,
    StartRun,
    StartTimer,
    StopRun,
    TimerFired,
    UserDecided,
    WithdrawAsk,
)
from gemini_desk.tools.calls import CallMachine

SPECS = [ToolSpec("quick", timeout_s=1.0), ToolSpec("slow", timeout_s=3.0, blocking=True)]
POLICIES = [ToolPolicy.ALLOW, ToolPolicy.ASK, ToolPolicy.NEVER]
STATUSES = ["ok", "no_results", "error", "invalid_argument"]


class World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.machine = CallMachine(approval_timeout_s=2.0, wall_clock=lambda: 0.0)
        self.now = 0.0
        self.cards: set[str] = set()
        self.runs: set[str] = set()
        self.timers: set[tuple[str, str]] = set()
        self.unanswered: Counter[str] = Counter()  # responses since the call's last end
        self.origin_of: dict[str, int] = {}
        self.open: set[str] = set()
        self.ever: list[str] = []
        self.ended = 0

    def feed(self, event: Event) -> None:
        for command in self.machine.handle(event, self.now):
            self.carry_out(command)
        assert {r.call_id for r in self.machine.open_calls} == self.open

    def carry_out(self, command: Command) -> None:
        if isinstance(command, AskUser):
            assert command.request.call_id not in self.cards
            self.cards.add(command.request.call_id)
        elif isinstance(command, WithdrawAsk):
            self.cards.remove(command.call_id)
        elif isinstance(command, StartRun):
            assert command.call_id not in self.runs
            self.runs.add(command.call_id)
        elif isinstance(command, StopRun):
            self.runs.remove(command.call_id)
        elif isinstance(command, StartTimer):
            assert (command.call_id, command.kind) not in self.timers
            self.timers.add((command.call_id, command.kind))
        elif isinstance(command, CancelTimer):
            self.timers.discard((command.call_id, command.kind))
        elif isinstance(command, SendResponse):
            self.unanswered[command.call_id] += 1
            assert command.origin == self.origin_of[command.call_id]
            assert command.response["message"].strip()
        elif isinstance(command, Record):
            record = command.record
            if not record.state.final:
                self.open.add(record.call_id)
                return
            self.open.discard(record.call_id)
            self.ended += 1
            sent = self.unanswered.pop(record.call_id, 0)
            # Exactly one answer for every call that ends, none for a cancelled one.
            assert sent == (0 if record.state is CallState.CANCELLED else 1), record
            assert record.call_id not in self.runs and record.call_id not in self.cards
            assert not any(t[0] == record.call_id for t in self.timers)
        else:
            assert isinstance(command, RememberAlways)

    def step(self) -> None:
        rng = self.rng
        self.now += rng.choice([0.0, 0.1, 0.5, 1.0])
        choice = rng.random()
        if choice < 0.3 or not self.ever:
            reuse = self.ever and rng.random() < 0.2
            call_id = rng.choice(self.ever) if reuse else f"c{len(self.ever)}"
            if not reuse:
                self.ever.append(call_id)
            origin = rng.choice([1, 2, 3])
            spec = rng.choice([*SPECS, None])
            if call_id not in self.open:
                self.origin_of[call_id] = origin
            elif rng.random() < 0.5:
                origin = self.origin_of[call_id]
            else:
                self.origin_of[call_id] = origin  # an open call moves to a new connection
            self.feed(
                CallArrived(
                    call_id,
                    spec.name if spec else "missing",
                    {"n": 1},
                    origin,
                    spec,
                    rng.choice(POLICIES),
                    non_blocking=spec is not None and not spec.blocking and rng.random() < 0.5,
                )
            )
        elif choice < 0.45 and self.cards:
            call_id = rng.choice(sorted(self.cards))
            self.feed(UserDecided(call_id, rng.choice(["once", "always", "deny"])))
        elif choice < 0.6:
            call_id = rng.choice(self.ever)  # a run's result, or a late one
            status = rng.choice(STATUSES)
            if call_id in self.runs or rng.random() < 0.2:
                self.runs.discard(call_id)
                self.feed(RunFinished(call_id, ToolResult(status, f"{status} result")))
        elif choice < 0.72 and self.timers:
            call_id, kind = rng.choice(sorted(self.timers))
            self.timers.remove((call_id, kind))
            self.feed(TimerFired(call_id, kind))  # type: ignore[arg-type]
        elif choice < 0.8:
            picked = tuple(rng.sample(self.ever, k=min(len(self.ever), rng.randint(1, 3))))
            self.feed(Cancelled(picked))
        elif choice < 0.88:
            self.feed(BargeIn())
        elif choice < 0.93:
            origin = rng.choice([1, 2, 3])
            self.feed(ConnectionEnded(origin))
            # Nothing is left waiting for an answer that can no longer be sent.
            assert not any(self.origin_of[c] == origin for c in self.open)
        # else: nothing happens for a while


@pytest.mark.parametrize("seed", range(150))
def test_every_call_ends_once_and_leaves_nothing_behind(seed: int) -> None:
    world = World(random.Random(seed))
    for _ in range(120):
        world.step()
    world.feed(Shutdown())
    assert world.machine.open_calls == ()
    assert world.cards == set() and world.runs == set() and world.timers == set()
    assert sum(world.unanswered.values()) == 0
    assert world.ended >= len(world.ever)
