"""Keeps one conversation alive across connections: the asyncio driver of the reconnect
machine (goAway hand-over, resumption, reconnect)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import (
    GoAway,
    InputTranscript,
    InterimInputTranscript,
    LiveEvent,
    ModelAudio,
    ModelText,
    Notice,
    OutputTranscript,
    ResumptionHandle,
    SessionError,
    SessionState,
    SetupComplete,
    StateChanged,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
)
from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import Declarations
from gemini_desk.live import reconnect_types as rt
from gemini_desk.live.config import Endpoint
from gemini_desk.live.outbox import MAX_BUFFERED_AUDIO, Outbox, Outgoing
from gemini_desk.live.reconnect import ReconnectMachine
from gemini_desk.live.reconnect_policy import (
    FRESH_SESSION,
    QUOTA_WAIT_S,
    RECONNECTING_GRACE_S,
    STABLE_S,
)
from gemini_desk.live.session import SETUP_TIMEOUT_S, EventSink, LiveSession
from gemini_desk.live.supervised import SupervisedConnection, seeded, track_call, unsent

__all__ = ["FRESH_SESSION", "MAX_BUFFERED_AUDIO", "SessionSupervisor"]

log = logging.getLogger("gemini_desk.live")

_CONTENT = (
    ModelAudio,
    ModelText,
    OutputTranscript,
    InputTranscript,
    InterimInputTranscript,
    ToolCall,
)
_HEARD = (InputTranscript, InterimInputTranscript)  # what the user said, not an answer


class SessionSupervisor:
    """Presents successive :class:`LiveSession` connections as one conversation.

    Same surface as LiveSession (``run``, ``close``, ``send_*``). Content events of
    every connection pass through to ``on_event``; connection states are its own:
    CONNECTING, CONNECTED, RECONNECTING (only once a hand-over or reconnect has taken
    longer than ``grace_s``), CLOSING, DISCONNECTED. What to do when is decided by a
    :class:`~gemini_desk.live.reconnect.ReconnectMachine` (retries with ``backoff``,
    at least ``quota_wait_s`` after a quota error; errors that need the user end the
    conversation); this class feeds it events and carries out its commands: connections
    are LiveSessions, timers ``loop.call_later``.

    What is sent while no connection is ready waits in an :class:`Outbox` and goes to
    the next connection once it is up, in order, after what the old connection had not
    sent and the part of an unanswered utterance it had heard. A fresh session (when a
    handle is refused) gets ``context()`` appended to the system instruction.

    Each connection declares the ``tools()`` on offer when it starts. A function call
    is answered on the connection that made it (``ToolCall.origin``); when that
    connection ends first, its unanswered calls are withdrawn with a
    ``ToolCallCancellation`` (reason "connection"), so none is left dangling.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        settings: Settings,
        on_event: EventSink,
        context: Callable[[], str] = lambda: "",
        tools: Callable[[], Declarations] = Declarations,
        backoff: Backoff | None = None,
        grace_s: float = RECONNECTING_GRACE_S,
        quota_wait_s: float = QUOTA_WAIT_S,
        setup_timeout_s: float = SETUP_TIMEOUT_S,
        stable_s: float = STABLE_S,
        seed_first: bool = False,
    ) -> None:
        self._endpoint = endpoint
        self._setup_timeout_s = setup_timeout_s
        self._settings = settings.validated()
        self._emit = on_event
        self._context = context
        self._tools = tools
        self._machine = ReconnectMachine(
            backoff=backoff,
            grace_s=grace_s,
            quota_wait_s=quota_wait_s,
            stable_s=stable_s,
            resumption=self._settings.session_resumption,
            seed_first=seed_first,
        )
        self._outbox: Outbox[LiveSession] = Outbox()
        self._conns: dict[int, SupervisedConnection] = {}
        self._timers: dict[rt.Timer, asyncio.TimerHandle] = {}
        self._closers: set[asyncio.Task[None]] = set()
        self._inbox: deque[rt.Event] = deque()
        self._dispatching = False
        self._stopped = asyncio.Event()
        self._close_requested = False
        self._task: asyncio.Task[None] | None = None
        # Figures for tests and the soak benchmark (more below, from the machine).
        self.audio_chunks_in = 0
        self.replayed_bytes = 0  # audio sent again to a new connection (open utterances)

    @property
    def model(self) -> str:
        return self._settings.model

    @property
    def state(self) -> SessionState:
        return self._machine.state

    @property
    def backoff(self) -> Backoff:
        return self._machine.backoff

    @property
    def resume_handle(self) -> str | None:
        """The newest handle still worth resuming with, if any."""
        return self._machine.resume_handle(time.monotonic())

    @property
    def recoveries(self) -> list[tuple[str, float]]:
        """(cause, seconds without a ready connection) for each gap that ended."""
        return self._machine.recoveries

    @property
    def recovery_times(self) -> list[float]:
        """Seconds from each goAway or lost connection until the next one was ready."""
        return [seconds for _, seconds in self.recoveries]

    @property
    def handovers(self) -> int:
        return self._machine.handovers

    @property
    def reconnects(self) -> int:
        return self._machine.reconnects

    @property
    def fresh_starts(self) -> int:
        return self._machine.fresh_starts

    @property
    def dropped_chunks(self) -> int:
        """Microphone chunks dropped because the outbox was full."""
        return self._outbox.dropped_audio

    # --- outgoing -----------------------------------------------------------------
    def send_audio(self, pcm16k: bytes) -> None:
        """One chunk of 16 kHz mono int16 microphone audio; kept while reconnecting."""
        self.audio_chunks_in += 1
        self._send(Outgoing("audio", lambda s: s.send_audio(pcm16k), pcm16k))

    def send_audio_end(self) -> None:
        self._send(Outgoing("other", lambda s: s.send_audio_end()))

    def send_activity_start(self) -> None:
        self._send(Outgoing("activity", lambda s: s.send_activity_start()))

    def send_activity_end(self) -> None:
        self._send(Outgoing("activity", lambda s: s.send_activity_end()))

    def send_video(self, jpeg: bytes) -> None:
        self._send(Outgoing("video", lambda s: s.send_video(jpeg)))

    def send_text(self, text: str, token: int = 0) -> None:
        """A typed message; with a ``token``, ``TextSent(token)`` follows once a
        connection has written it (it waits in the outbox while none is ready)."""
        self._send(Outgoing("other", lambda s: s.send_text(text, token)))

    def send_tool_response(
        self,
        origin: int,
        call_id: str,
        name: str,
        response: dict[str, object],
        scheduling: str | None = None,
    ) -> bool:
        """Answer function call ``call_id`` on the connection that made it; False (and
        nothing sent) when that connection is gone or the call was withdrawn."""
        conn = self._conns.get(origin)
        if conn is None or conn.ended or call_id not in conn.calls:
            return False
        conn.calls.discard(call_id)
        conn.session.send_tool_response(call_id, name, response, scheduling)
        return True

    def retry_now(self) -> None:
        """Skip a retry's wait: the next attempt starts at once (nothing while none waits)."""
        if not self._stopped.is_set():
            self._feed(rt.RetryNow())

    def refresh_setup(self) -> None:
        """The setup changed (the tools on offer): hand the conversation over to a new
        connection that declares the new setup, resuming the session as after a goAway."""
        current = self._machine.current
        if current is not None and not self._stopped.is_set():
            self._feed(rt.GoAwayReceived(current, cause="setup"))

    def _send(self, item: Outgoing[LiveSession]) -> None:
        if self._stopped.is_set():
            return  # the conversation is over
        conn = self._ready()
        if conn is None:
            self._outbox.put(item)
        else:
            self._deliver(conn, item)

    def _ready(self) -> SupervisedConnection | None:
        """The connection sends go to now, if one is ready."""
        current = self._machine.current
        return None if current is None else self._conns.get(current)

    @staticmethod
    def _deliver(conn: SupervisedConnection, item: Outgoing[LiveSession]) -> None:
        item.send(conn.session)
        conn.heard.record(item)

    # --- lifecycle ----------------------------------------------------------------
    async def run(self) -> None:
        """Connect, then keep the conversation connected until ``close()`` or an error
        that needs the user. Never raises for service or network failures."""
        self._task = asyncio.current_task()
        self._feed(rt.ConnectRequested())
        try:
            await self._stopped.wait()
        finally:
            if not self._stopped.is_set():  # cancelled: leave every connection anyway
                self._feed(rt.CloseRequested())
            await self._settle()

    async def close(self) -> None:
        """Leave every connection cleanly; safe to call more than once."""
        if self._close_requested:
            return
        self._close_requested = True
        self._feed(rt.CloseRequested())
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _settle(self) -> None:
        """Wait until every connection and every close has finished."""
        while True:
            tasks = [c.task for c in self._conns.values() if c.task and not c.task.done()]
            tasks += [t for t in self._closers if not t.done()]
            if not tasks:
                return
            await asyncio.wait(tasks)

    # --- the machine ----------------------------------------------------------------
    def _feed(self, event: rt.Event) -> None:
        """Give ``event`` to the machine and carry out its commands (events raised while
        doing so wait their turn)."""
        self._inbox.append(event)
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self._inbox:
                for command in self._machine.handle(self._inbox.popleft(), time.monotonic()):
                    self._carry_out(command)
        finally:
            self._dispatching = False

    def _carry_out(self, command: rt.Command) -> None:
        match command:
            case rt.StartConnection(conn_id, handle, with_context):
                self._start(conn_id, handle, with_context)
            case rt.CloseConnection(conn_id):
                self._close_connection(conn_id)
            case rt.StartTimer(timer, delay):
                self._cancel_timer(timer)
                loop = asyncio.get_running_loop()
                self._timers[timer] = loop.call_later(delay, self._timer_fired, timer)
            case rt.CancelTimer(timer):
                self._cancel_timer(timer)
            case rt.FlushOutbox(conn_id):
                if (conn := self._conns.get(conn_id)) is not None:
                    for item in self._outbox.drain():
                        self._deliver(conn, item)
            case rt.ReclaimUnsent(conn_id):
                self._reclaim_unsent(conn_id)
            case rt.ReplayOpenUtterance(conn_id):
                if (conn := self._conns.get(conn_id)) is not None:
                    items = conn.heard.take_open()
                    self._outbox.put_front(items)
                    self.replayed_bytes += sum(len(i.audio) for i in items if i.audio)
            case rt.EmitState(state, detail, retry):
                self._emit(StateChanged(state, detail, retry))
            case rt.EmitNotice(message):
                self._emit(Notice(message))
            case rt.CloseCutTurn():
                self._emit(TurnComplete(cut=True))
            case rt.GiveUp(error):
                self._emit(error)
            case rt.Stopped():
                self._outbox.clear()
                self._stopped.set()

    def _timer_fired(self, timer: rt.Timer) -> None:
        self._timers.pop(timer, None)
        self._feed(rt.TimerFired(timer))

    def _cancel_timer(self, timer: rt.Timer) -> None:
        handle = self._timers.pop(timer, None)
        if handle is not None:
            handle.cancel()

    # --- connections ----------------------------------------------------------------
    def _start(self, conn_id: int, handle: str | None, with_context: bool) -> None:
        settings = seeded(self._settings, self._context()) if with_context else self._settings
        session = LiveSession(
            self._endpoint,
            settings,
            lambda event: self._on_inner_event(conn_id, event),
            resume_handle=handle,
            tools=self._tools(),
            setup_timeout_s=self._setup_timeout_s,
        )
        conn = SupervisedConnection(session)
        self._conns[conn_id] = conn
        conn.task = asyncio.get_running_loop().create_task(session.run(), name="live")
        conn.task.add_done_callback(lambda _: self._on_task_done(conn_id))
        log.info("connection %d started (%s)", conn_id, "resuming" if handle else "fresh")

    def _on_inner_event(self, conn_id: int, event: LiveEvent) -> None:
        conn = self._conns.get(conn_id)
        if conn is None:
            return
        if isinstance(event, StateChanged):
            if event.state is SessionState.DISCONNECTED:
                self._report_end(conn_id)
            return
        if isinstance(event, SessionError):
            conn.error = event  # acted on when the connection ends
            return
        if isinstance(event, ToolCall | ToolCallCancellation):
            event = track_call(conn_id, conn, event)
        follow: rt.Event | None = None
        if isinstance(event, SetupComplete):
            follow = rt.ConnectionReady(conn_id)
        elif isinstance(event, ResumptionHandle):
            follow = rt.HandleIssued(conn_id, event.handle, event.resumable)
        elif isinstance(event, GoAway):
            log.info("goAway: %.1f s left", event.time_left)
            follow = rt.GoAwayReceived(conn_id)
        elif isinstance(event, _CONTENT):
            if not isinstance(event, _HEARD):
                conn.heard.answered()  # the model is answering what it heard
            follow = rt.ContentReceived(conn_id)
        elif isinstance(event, TurnComplete):
            conn.heard.answered()
            follow = rt.TurnCompleted(conn_id)
        self._emit(event)
        if follow is not None:
            self._feed(follow)

    def _report_end(self, conn_id: int) -> None:
        conn = self._conns.get(conn_id)
        if conn is not None and not conn.ended:
            conn.ended = True
            if conn.calls:  # they can no longer be answered
                calls, conn.calls = tuple(sorted(conn.calls)), set()
                self._emit(ToolCallCancellation(calls, origin=conn_id, reason="connection"))
            self._feed(rt.ConnectionClosed(conn_id, conn.error))

    def _on_task_done(self, conn_id: int) -> None:
        self._report_end(conn_id)  # in case it ended without saying so
        self._conns.pop(conn_id, None)

    def _close_connection(self, conn_id: int) -> None:
        conn = self._conns.get(conn_id)
        if conn is None:
            return
        task = asyncio.get_running_loop().create_task(conn.session.close())
        self._closers.add(task)
        task.add_done_callback(self._closers.discard)

    def _reclaim_unsent(self, conn_id: int) -> None:
        """What an old connection had not sent yet goes first on the next one."""
        if (conn := self._conns.get(conn_id)) is not None:
            self._outbox.put_front(unsent(conn))
