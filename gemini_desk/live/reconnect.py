"""When to open, hand over, retry or give up: a Live conversation's connections as a
sans-I/O state machine.

:class:`ReconnectMachine` takes events (:data:`Event`) with the time from the caller's
clock and returns commands (:data:`Command`) for the caller to carry out, in order. It
does no I/O and knows no asyncio; :class:`~gemini_desk.live.supervisor.SessionSupervisor`
feeds it and carries its commands out. Connections are numbered from 1 in the order the
machine starts them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import ErrorKind, RetryWait, SessionError, SessionState
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.live.reconnect_policy import (
    FRESH_SESSION,
    HANDLE_TTL_S,
    NEEDS_USER,
    PLANNED,
    QUOTA_WAIT_S,
    RECONNECTING_GRACE_S,
    SHORT_LIVED,
    STABLE_S,
    TRANSIENT,
    WAIT_BY_CAUSE,
    WAIT_TEXT,
)
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
    RetryNow,
    StartConnection,
    StartTimer,
    Stopped,
    Timer,
    TimerFired,
    TurnCompleted,
)

log = logging.getLogger("gemini_desk.live")


@dataclass(slots=True)
class _Conn:
    """What the machine knows of one connection it started and has not seen close."""

    resumed: bool  # started with a handle
    seeded: bool  # started fresh with the transcript as context
    busy: bool = False  # content since its last turnComplete
    closing: bool = False  # told to close
    ready_at: float | None = None  # when its setup completed


class ReconnectMachine:
    """Keeps one conversation connected across connections.

    At most one connection is *pending* (connecting) and one *current* (ready: sends go
    there); after ``goAway`` the old one *retires*, finishing the answer it is giving,
    while the next one connects with the newest resumption handle (valid for
    ``handle_ttl_s``). A handle the service refuses leads to a fresh session seeded with
    context, and a notice. Retryable failures are retried after capped, jittered
    exponential ``backoff`` delays (at least ``quota_wait_s`` after a quota error); the
    backoff starts over once a connection stays up ``stable_s``, or once the connection
    after a goAway (or the service's age limit) is ready. A hand-over the service asks
    for less than ``stable_s`` after a setup (a goAway storm) is no plan but a failure:
    the next connection waits for the backoff. Errors that need the user end the
    conversation. RECONNECTING shows once a gap outlasts ``grace_s`` (or at once
    with the wait, when a retry waits longer than that).

    The figures ``recoveries`` (cause, seconds without a ready connection), ``handovers``,
    ``reconnects`` and ``fresh_starts`` are for tests and the soak benchmark.
    """

    def __init__(
        self,
        *,
        backoff: Backoff | None = None,
        grace_s: float = RECONNECTING_GRACE_S,
        quota_wait_s: float = QUOTA_WAIT_S,
        stable_s: float = STABLE_S,
        handle_ttl_s: float = HANDLE_TTL_S,
        resumption: bool = True,
        seed_first: bool = False,
    ) -> None:
        self.backoff = backoff or Backoff()
        # The conversation had turns before this machine (a talk-mode switch, a continued
        # conversation): its first fresh connection is seeded too, without a notice.
        self._seed_first = seed_first
        self._grace_s = grace_s
        self._quota_wait_s = quota_wait_s
        self._stable_s = stable_s
        self._handle_ttl_s = handle_ttl_s
        self._resumption = resumption
        self._conns: dict[int, _Conn] = {}  # started and not seen to close
        self._next_conn = 1
        self._current: int | None = None
        self._pending: int | None = None
        self._retiring: list[int] = []
        self._handle: tuple[str, float] | None = None  # (handle, when it was issued)
        self._ever_connected = False
        self._state = SessionState.DISCONNECTED
        self._detail: Message | None = None
        self._retry: RetryWait | None = None  # the wait on show, if any
        self._waits = 0
        self._started = False
        self._closing = False
        self._stopped = False
        self._armed: set[Timer] = set()
        self._gap_started: float | None = None
        self._gap_cause = ""
        self._now = 0.0
        self._out: list[Command] = []
        self.recoveries: list[tuple[str, float]] = []
        self.handovers = 0
        self.reconnects = 0
        self.fresh_starts = 0

    # --- what it knows ---------------------------------------------------------------
    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def detail(self) -> Message | None:
        return self._detail

    @property
    def current(self) -> int | None:
        """The ready connection sends go to, if any."""
        return self._current

    @property
    def pending(self) -> int | None:
        return self._pending

    @property
    def retiring(self) -> tuple[int, ...]:
        return tuple(self._retiring)

    @property
    def stopped(self) -> bool:
        """The conversation is over and every connection has closed."""
        return self._stopped

    def resume_handle(self, now: float) -> str | None:
        """The newest handle still worth resuming with at ``now``, if any."""
        if self._handle is None:
            return None
        handle, at = self._handle
        return handle if now - at < self._handle_ttl_s else None

    # --- events in, commands out -----------------------------------------------------
    def handle(self, event: Event, now: float) -> list[Command]:
        """Act on ``event`` at time ``now``; the commands to carry out, in order."""
        self._now = now
        self._out = []
        if not self._stopped:
            self._dispatch(event)
        out, self._out = self._out, []
        return out

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, ContentReceived):
            if (conn := self._conns.get(event.conn)) is not None:
                conn.busy = True
        elif isinstance(event, TurnCompleted):
            self._on_turn_completed(event.conn)
        elif isinstance(event, HandleIssued):
            if event.resumable and self._current in (None, event.conn):
                self._handle = (event.handle, self._now)
        elif isinstance(event, ConnectionReady):
            self._on_ready(event.conn)
        elif isinstance(event, GoAwayReceived):
            self._on_go_away(event.conn, event.cause)
        elif isinstance(event, ConnectionClosed):
            self._on_closed(event.conn, event.error)
        elif isinstance(event, TimerFired):
            self._on_timer(event.timer)
        elif isinstance(event, ConnectRequested):
            if not self._started and not self._closing:
                self._started = True
                self._set_state(SessionState.CONNECTING)
                self._launch()
        elif isinstance(event, RetryNow):
            self._retry_now()
        elif isinstance(event, CloseRequested) and not self._closing:
            self._set_state(SessionState.CLOSING)
            self._begin_closing()

    def _on_turn_completed(self, conn_id: int) -> None:
        conn = self._conns.get(conn_id)
        if conn is None:
            return
        conn.busy = False
        if conn_id in self._retiring and self._current is not None:
            self._close(conn_id)  # its answer is done and the next connection is ready

    def _on_ready(self, conn_id: int) -> None:
        if self._closing or conn_id != self._pending:
            return
        self._pending = None
        self._current = conn_id
        self._out.append(FlushOutbox(conn_id))
        self._cancel_timers()
        if self._gap_started is not None:
            if self._gap_cause in PLANNED:
                self.backoff.reset()  # a goAway is the service's plan, not a failure
            self.recoveries.append((self._gap_cause, self._now - self._gap_started))
            self._gap_started = None
        self._start_timer(Timer.STABLE, self._stable_s)
        self._conns[conn_id].ready_at = self._now
        self._ever_connected = True
        if self._conns[conn_id].seeded:
            self.fresh_starts += 1
            self._out.append(EmitNotice(FRESH_SESSION))
        self._set_state(SessionState.CONNECTED)
        for old in list(self._retiring):
            if not self._conns[old].busy:
                self._close(old)

    def _on_go_away(self, conn_id: int, cause: str) -> None:
        """The new connection starts now; the old one may finish its answer meanwhile."""
        if self._closing or conn_id != self._current:
            return
        self.handovers += 1
        self._current = None
        self._retiring.append(conn_id)
        self._cancel_timer(Timer.STABLE)
        self._out += [ReclaimUnsent(conn_id), ReplayOpenUtterance(conn_id)]
        if cause != "setup" and self._short_lived(self._conns[conn_id]):  # not our choice
            self._back_off_short_lived(conn_id, "goAway")
            return
        self._start_gap(cause)
        self._launch()

    def _on_closed(self, conn_id: int, error: SessionError | None) -> None:
        conn = self._conns.pop(conn_id, None)
        if conn is None:
            return
        if self._closing:
            self._finish_if_all_closed()
        elif conn_id in self._retiring:
            self._retiring.remove(conn_id)
            self._out.append(ReclaimUnsent(conn_id))
            if self._current is not None:
                self._out.append(FlushOutbox(self._current))
            self._close_turn_if_cut(conn)
        elif conn_id == self._current:
            self._on_current_closed(conn_id, conn, error)
        elif conn_id == self._pending:
            self._on_pending_closed(conn_id, conn, error)

    def _on_current_closed(self, conn_id: int, conn: _Conn, error: SessionError | None) -> None:
        self._current = None
        self._cancel_timer(Timer.STABLE)
        self._out += [ReclaimUnsent(conn_id), ReplayOpenUtterance(conn_id)]
        self.reconnects += 1
        self._close_turn_if_cut(conn)
        if error is not None and error.kind is ErrorKind.SESSION_LIMIT:
            if self._short_lived(conn):
                self._back_off_short_lived(conn_id, "age limit")
                return
            # The service's age limit: planned, like a goAway. Resume at once.
            log.info("connection reached its time limit (%s); resuming", error.detail)
            self._start_gap("deadline")
            self._launch()
            return
        log.warning("connection lost: %s", error.detail if error else "closed")
        self._start_gap("lost")
        if error is not None and not error.retryable:
            self._give_up(error)
        else:
            self._schedule_retry(error)

    def _on_pending_closed(self, conn_id: int, conn: _Conn, error: SessionError | None) -> None:
        self._pending = None
        self._out.append(ReclaimUnsent(conn_id))
        if conn.resumed and (error is None or error.kind not in TRANSIENT):
            # The handle was refused (the service's close code for that is not
            # documented, so anything but a transient failure counts): start over,
            # seeded with the transcript. A real key or model problem shows up again
            # on that fresh attempt and is reported then.
            log.warning("resumption refused (%s); starting fresh", error and error.detail)
            self._handle = None
            self._ever_connected = True
            self._launch()
        elif error is not None and (error.kind in NEEDS_USER or not error.retryable):
            self._give_up(error)
        else:
            if self._gap_started is None:
                self._start_gap("connect")
            self._schedule_retry(error)

    def _on_timer(self, timer: Timer) -> None:
        if timer not in self._armed:
            return  # cancelled meanwhile
        self._armed.discard(timer)
        if timer is Timer.RETRY:
            if self._pending is None and self._current is None:
                self._launch()
        elif timer is Timer.GRACE:
            # A wait already on show ("retrying in 8 s") says more: it stays.
            if self._current is None and self._state is not SessionState.RECONNECTING:
                self._set_state(SessionState.RECONNECTING)
        elif self._current is not None:  # STABLE: the connection was healthy
            self.backoff.reset()

    def _retry_now(self) -> None:
        """Skip the wait: the next attempt starts now (only while one is waiting)."""
        if Timer.RETRY not in self._armed or self._closing:
            return
        self._cancel_timer(Timer.RETRY)
        if self._pending is None and self._current is None:
            log.info("retrying now, as asked")
            self._launch()

    # --- steps ---------------------------------------------------------------------
    def _short_lived(self, conn: _Conn) -> bool:
        """``conn`` is being replaced less than ``stable_s`` after its setup."""
        return conn.ready_at is not None and self._now - conn.ready_at < self._stable_s

    def _back_off_short_lived(self, conn_id: int, why: str) -> None:
        """The next connection waits for the backoff, as after a failure."""
        log.warning("connection %d replaced (%s) right after its setup; backing off", conn_id, why)
        self._start_gap(SHORT_LIVED)
        self._schedule_retry(None, M.RETRY_SHORT_LIVED)

    def _launch(self) -> None:
        """Start a connection: resume when a handle is valid, else fresh (seeded once a
        connection was ever ready)."""
        handle = self.resume_handle(self._now) if self._resumption else None
        seeded = handle is None and self._ever_connected
        conn_id = self._next_conn
        self._next_conn += 1
        self._conns[conn_id] = _Conn(resumed=handle is not None, seeded=seeded)
        self._pending = conn_id
        with_context = seeded or (handle is None and self._seed_first)
        self._out.append(StartConnection(conn_id, handle, with_context))

    def _close_turn_if_cut(self, conn: _Conn) -> None:
        """An answer cut off with its connection will not finish: close its turn (so
        what was said so far is saved), unless another connection is mid-answer."""
        if conn.busy and not any(other.busy for other in self._conns.values()):
            conn.busy = False
            self._out.append(CloseCutTurn())

    def _schedule_retry(self, error: SessionError | None, wait: M | None = None) -> None:
        at_least = self._quota_wait_s if error and error.kind is ErrorKind.QUOTA else 0.0
        delay = self.backoff.next_delay(at_least)
        kind = error.kind if error is not None else ErrorKind.PROTOCOL
        if wait is None and error is not None:
            wait = WAIT_BY_CAUSE.get(error.message.id)
        wait = wait or WAIT_TEXT.get(kind, WAIT_TEXT[ErrorKind.PROTOCOL])
        log.info("retrying in %.2f s (%s)", delay, kind.value)
        if delay > self._grace_s or self._state is SessionState.RECONNECTING:
            self._waits += 1  # each wait is told, with its own countdown
            detail = message(wait, max(1, round(delay)))
            self._set_state(SessionState.RECONNECTING, detail, RetryWait(delay, self._waits))
        self._start_timer(Timer.RETRY, delay)

    def _start_gap(self, cause: str) -> None:
        """From now until a connection is ready, sends wait; say so after the grace time."""
        self._gap_started = self._now
        self._gap_cause = cause
        if Timer.GRACE not in self._armed:
            self._start_timer(Timer.GRACE, self._grace_s)

    def _give_up(self, error: SessionError) -> None:
        self._out.append(GiveUp(error))
        self._begin_closing()

    def _begin_closing(self) -> None:
        """Close every connection; DISCONNECTED once the last has closed."""
        self._closing = True
        self._cancel_timers()
        for conn_id in list(self._conns):
            self._close(conn_id)
        self._current = self._pending = None
        self._retiring.clear()
        self._finish_if_all_closed()

    def _finish_if_all_closed(self) -> None:
        if not self._conns:
            self._set_state(SessionState.DISCONNECTED)
            self._stopped = True
            self._out.append(Stopped())

    def _close(self, conn_id: int) -> None:
        conn = self._conns[conn_id]
        if not conn.closing:
            conn.closing = True
            self._out.append(CloseConnection(conn_id))

    def _start_timer(self, timer: Timer, delay: float) -> None:
        self._armed.add(timer)
        self._out.append(StartTimer(timer, delay))

    def _cancel_timer(self, timer: Timer) -> None:
        if timer in self._armed:
            self._armed.discard(timer)
            self._out.append(CancelTimer(timer))

    def _cancel_timers(self) -> None:
        for timer in Timer:
            self._cancel_timer(timer)

    def _set_state(
        self, state: SessionState, detail: Message | None = None, retry: RetryWait | None = None
    ) -> None:
        if state is self._state and detail == self._detail and retry == self._retry:
            return
        self._state, self._detail, self._retry = state, detail, retry
        self._out.append(EmitState(state, detail, retry))
