"""The reconnect machine under random event sequences: invariants that must always hold.

A small world stands in for the driver: it starts and closes connections when told,
fires timers at their due time on a fake clock, and lets connections get ready, fail
(with any error), receive goAway, issue handles and answer, at random (seeded).
"""

from __future__ import annotations

import random

import pytest

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import ErrorKind, SessionError, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.live.reconnect import ReconnectMachine
from gemini_desk.live.reconnect_policy import NEEDS_USER
from gemini_desk.live.reconnect_types import (
    CancelTimer,
    CloseConnection,
    CloseCutTurn,
    CloseRequested,
    Command,
    ConnectionClosed,
    ConnectionReady,
    ConnectRequested,
    ContentReceived,
    EmitNotice,
    EmitState,
    Event,
    FlushOutbox,
    GiveUp,
    GoAwayReceived,
    HandleIssued,
    ReclaimUnsent,
    ReplayOpenUtterance,
    StartConnection,
    StartTimer,
    Stopped,
    Timer,
    TimerFired,
    TurnCompleted,
)

GRACE_S = 0.3
CAP_S = 8.0
QUOTA_S = 30.0
EPS = 1e-9
SAID = message(MessageId.UNEXPECTED)  # the words do not matter to the machine
RETRYABLE = [None] + [
    SessionError(kind, SAID, retryable=True) for kind in ErrorKind if kind not in NEEDS_USER
]
FATAL = [SessionError(kind, SAID) for kind in NEEDS_USER] + [
    SessionError(ErrorKind.NETWORK, message(MessageId.TLS_UNVERIFIED, "untrusted certificate")),
    SessionError(ErrorKind.PROTOCOL, SAID),
]


class World:
    """Drives one machine at random and checks every command it returns."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.machine = ReconnectMachine(
            backoff=Backoff(base=0.25, cap=CAP_S, rng=self.rng.random),
            grace_s=GRACE_S,
            quota_wait_s=QUOTA_S,
        )
        self.now = 0.0
        self.timers: dict[Timer, float] = {}  # armed timers and when they are due
        self.started: list[int] = []
        self.fresh: set[int] = set()  # started without a handle
        self.open: set[int] = set()  # started and not closed
        self.ready: set[int] = set()  # set up
        self.told_to_close: set[int] = set()
        self.busy: set[int] = set()
        self.states: list[EmitState] = []
        self.gap_start: float | None = None
        self.gave_up = False

    # --- feeding -------------------------------------------------------------------
    def feed(self, event: Event) -> list[Command]:
        had_ready = self.machine.current is not None
        out = self.machine.handle(event, self.now)
        self.check(event, out, had_ready)
        return out

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass, firing each timer at its due time."""
        until = self.now + seconds
        while self.timers and min(self.timers.values()) <= until:
            timer = min(self.timers, key=lambda t: self.timers[t])
            self.now = self.timers.pop(timer)
            self.feed(TimerFired(timer))
        self.now = until

    def close(self, conn: int, error: SessionError | None) -> None:
        self.open.discard(conn)
        self.busy.discard(conn)
        self.feed(ConnectionClosed(conn, error))

    # --- checking ------------------------------------------------------------------
    def check(self, event: Event, out: list[Command], had_ready: bool) -> None:
        machine = self.machine
        if machine.current is None and had_ready:
            self.gap_start = self.now  # the ready connection went away
        elif isinstance(event, ConnectionClosed) and not had_ready and self.gap_start is None:
            self.gap_start = self.now  # an attempt failed with none ready
        retry_delays = [
            c.delay for c in out if isinstance(c, StartTimer) and c.timer is Timer.RETRY
        ]
        for command in out:
            self.check_command(event, command, retry_delays)
        if machine.current is not None:
            self.gap_start = None
        self.check_state()

    def check_command(self, event: Event, command: Command, retry_delays: list[float]) -> None:
        if isinstance(command, StartConnection | StartTimer):
            assert not self.gave_up, f"{command} after giving up"
        if isinstance(command, StartConnection):
            waiting = self.open - self.ready - self.told_to_close
            assert not waiting, f"connection {command.conn} started while {waiting} pending"
            assert command.conn == len(self.started) + 1
            self.started.append(command.conn)
            self.open.add(command.conn)
            if command.handle is None:
                self.fresh.add(command.conn)
        elif isinstance(command, StartTimer):
            assert command.timer not in self.timers, f"{command.timer} armed twice"
            assert command.delay > 0
            self.timers[command.timer] = self.now + command.delay
            if command.timer is Timer.RETRY:
                self.check_retry_delay(event, command.delay)
        elif isinstance(command, CancelTimer):
            assert self.timers.pop(command.timer, None) is not None, "cancelled unarmed"
        elif isinstance(command, CloseConnection):
            assert command.conn in self.open and command.conn not in self.told_to_close
            self.told_to_close.add(command.conn)
        elif isinstance(command, EmitState):
            self.check_shown(command, retry_delays)
            self.states.append(command)
        elif isinstance(command, GiveUp):
            error = command.error
            assert error.kind in NEEDS_USER or not error.retryable
            self.gave_up = True
        elif isinstance(command, Stopped):
            assert self.states[-1].state is SessionState.DISCONNECTED
            assert not self.open, "stopped with connections open"
            assert not self.timers, "stopped with timers armed"
        elif isinstance(command, FlushOutbox | ReclaimUnsent | ReplayOpenUtterance):
            assert command.conn in self.started
        else:
            assert isinstance(command, EmitNotice | CloseCutTurn)

    def check_retry_delay(self, event: Event, delay: float) -> None:
        # A goAway waits too when it comes right after the setup (a storm).
        assert isinstance(event, ConnectionClosed | GoAwayReceived)
        error = event.error if isinstance(event, ConnectionClosed) else None
        if error is not None and error.kind is ErrorKind.QUOTA:
            assert QUOTA_S <= delay <= max(CAP_S, QUOTA_S)
        else:
            assert delay <= CAP_S, "past the cap"

    def check_shown(self, command: EmitState, retry_delays: list[float]) -> None:
        if self.states:
            assert command != self.states[-1], "the same state twice"
        if self.gave_up:
            assert command.state is SessionState.DISCONNECTED
        if command.state is SessionState.RECONNECTING:
            assert self.gap_start is not None
            waited = self.now - self.gap_start
            # Before the grace time only with a wait that is itself longer than it.
            assert waited >= GRACE_S - EPS or (
                command.detail and retry_delays and retry_delays[0] > GRACE_S
            ), (waited, command)

    def check_state(self) -> None:
        machine = self.machine
        known = {machine.current, machine.pending, *machine.retiring} - {None}
        assert self.open <= known | self.told_to_close, "a connection was left behind"
        if Timer.RETRY in self.timers:
            assert machine.current is None and machine.pending is None
        if Timer.STABLE in self.timers:
            assert machine.current is not None
        if Timer.GRACE in self.timers:
            assert machine.current is None
        if machine.current is not None:
            for old in machine.retiring:
                assert old in self.busy or old in self.told_to_close, "idle old connection"

    # --- the random part -----------------------------------------------------------
    def step(self) -> None:
        """One random thing happens (or, when it cannot, nothing)."""
        rng = self.rng
        roll = rng.random()
        unready = sorted(self.open - self.ready)
        ready = sorted(self.open & self.ready)
        closing = sorted(self.told_to_close & self.open)
        if roll < 0.25:
            self.advance(rng.choice([rng.uniform(0, 0.4), rng.uniform(0, 6), rng.uniform(0, 40)]))
        elif roll < 0.26:
            self.advance(rng.uniform(2, 3) * 3600)  # handles expire
        elif roll < 0.38:
            if self.open:
                errors = FATAL if rng.random() < 0.03 else RETRYABLE
                self.close(rng.choice(sorted(self.open)), rng.choice(errors))
        elif roll < 0.52:
            if unready:
                conn = rng.choice(unready)
                self.ready.add(conn)
                self.feed(ConnectionReady(conn))
        elif roll < 0.58:
            if ready:
                self.feed(GoAwayReceived(rng.choice(ready)))
        elif roll < 0.66:
            if ready:
                conn = rng.choice(ready)
                self.feed(HandleIssued(conn, f"h{conn}-{self.now:.2f}", rng.random() < 0.8))
        elif roll < 0.76:
            if ready:
                conn = rng.choice(ready)
                self.busy.add(conn)
                self.feed(ContentReceived(conn))
        elif roll < 0.84:
            if ready:
                conn = rng.choice(ready)
                self.busy.discard(conn)
                self.feed(TurnCompleted(conn))
        elif roll < 0.997:
            if closing:
                self.close(rng.choice(closing), None)
        elif roll < 0.9985:
            self.feed(CloseRequested())
        else:
            self.feed(ConnectRequested())  # once is enough: ignored

    def finish(self) -> None:
        """Close the conversation and every connection the machine says to close."""
        self.feed(CloseRequested())
        while self.told_to_close & self.open:
            self.close(min(self.told_to_close & self.open), None)
        assert self.machine.stopped and not self.open, "every connection ended closed"
        assert self.states[-1].state is SessionState.DISCONNECTED


@pytest.mark.parametrize("seed", range(300))
def test_random_sequences_keep_every_invariant(seed: int) -> None:
    world = World(seed)
    world.feed(ConnectRequested())
    for _ in range(400):
        world.step()
        if world.machine.stopped:
            break
    world.finish()


def test_random_sequences_reach_every_kind_of_outcome() -> None:
    """The sequences above are not all alike: they give up, hand over and start fresh."""
    gave_up = handed_over = fresh = deadline = 0
    for seed in range(300):
        world = World(seed)
        world.feed(ConnectRequested())
        for _ in range(400):
            world.step()
            if world.machine.stopped:
                break
        gave_up += world.gave_up
        handed_over += world.machine.handovers > 0
        fresh += world.machine.fresh_starts > 0
        deadline += any(cause == "deadline" for cause, _ in world.machine.recoveries)
    assert min(gave_up, handed_over, fresh, deadline) >= 20, (
        gave_up,
        handed_over,
        fresh,
        deadline,
    )


def test_an_error_needing_the_user_always_ends_disconnected() -> None:
    for seed in range(200):
        world = World(1000 + seed)
        world.feed(ConnectRequested())
        for _ in range(60):
            world.step()
        fresh = sorted((world.open - world.ready - world.told_to_close) & world.fresh)
        ready = world.machine.current
        if world.machine.stopped or (not fresh and ready is None):
            continue
        conn = fresh[0] if fresh else ready
        assert conn is not None
        world.open.discard(conn)
        out = world.feed(
            ConnectionClosed(conn, SessionError(ErrorKind.BAD_KEY, message(MessageId.BAD_KEY)))
        )
        assert any(isinstance(c, GiveUp) for c in out), out
        while world.told_to_close & world.open:
            world.close(min(world.told_to_close & world.open), None)
        assert world.machine.stopped
        assert world.states[-1].state is SessionState.DISCONNECTED
