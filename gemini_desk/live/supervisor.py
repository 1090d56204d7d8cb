"""Keeps one conversation alive across connections: goAway hand-over, resumption, reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import (
    ErrorKind,
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
    TurnComplete,
)
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint
from gemini_desk.live.session import EventSink, LiveSession

log = logging.getLogger("gemini_desk.live")

# Show "reconnecting" only when a hand-over or reconnect takes longer than this.
RECONNECTING_GRACE_S = 0.3
# The service keeps resumption handles for about two hours after a session ends.
HANDLE_TTL_S = 2 * 60 * 60
# Microphone audio kept while no connection is ready: 30 s of 20 ms chunks. Past that
# the oldest goes (and is counted): a very long outage should not replay minutes of room noise.
MAX_BUFFERED_AUDIO = 1500
MAX_BUFFERED_VIDEO = 1  # only the newest frame is worth sending after a gap
QUOTA_WAIT_S = 30.0
# At most this much of an unanswered utterance is resent to a new connection (15 s).
REPLAY_MAX_CHUNKS = 750
REPLAY_SOUND_DBFS = -50.0  # quieter than this is silence (voice detection starts near -42)
REPLAY_LEAD_IN_CHUNKS = 15  # 300 ms before the first sound, as voice detection expects
_BUFFER_LIMITS = {"audio": MAX_BUFFERED_AUDIO, "video": MAX_BUFFERED_VIDEO}
_REPLAYED_KINDS = ("audio", "activity_start", "activity_end")  # LiveSession queue kinds
# A connection that lasted this long was healthy: backoff starts over after it drops.
STABLE_S = 5.0

FRESH_SESSION = (
    "The conversation could not be resumed, so a new session was started. It was given "
    "the recent transcript as context; the model may not remember everything."
)
_WAIT_TEXT = {
    ErrorKind.NETWORK: "Waiting for the network; retrying in {s} s",
    ErrorKind.SERVER: "The service had an error; retrying in {s} s",
    ErrorKind.QUOTA: "Quota or rate limit reached; retrying in {s} s",
    ErrorKind.PROTOCOL: "The connection was lost; retrying in {s} s",
}
_SETUP_ERRORS_NEEDING_USER = (
    ErrorKind.BAD_KEY,
    ErrorKind.UNKNOWN_MODEL,
    ErrorKind.REJECTED_SETTING,
)
_TRANSIENT = (ErrorKind.NETWORK, ErrorKind.SERVER, ErrorKind.QUOTA, ErrorKind.SESSION_LIMIT)
_CONTENT = (
    ModelAudio,
    ModelText,
    OutputTranscript,
    InputTranscript,
    InterimInputTranscript,
    ToolCall,
)
_HEARD = (InputTranscript, InterimInputTranscript)  # what the user said, not an answer

SessionFactory = Callable[[Endpoint, Settings, EventSink, "str | None"], LiveSession]


@dataclass
class _Conn:
    """Bookkeeping for one LiveSession the supervisor started."""

    session: LiveSession
    task: asyncio.Task[None] | None = None
    resumed: bool = False  # started with a handle
    seeded: bool = False  # started fresh with the transcript as context
    connected_at: float | None = None
    busy: bool = False  # content since the last turnComplete
    # Audio sent since the model last answered: the utterance it has not answered yet.
    since_answer: deque[tuple[Callable[[LiveSession], None], bytes | None]] = field(
        default_factory=lambda: deque(maxlen=REPLAY_MAX_CHUNKS)
    )
    error: SessionError | None = None


@dataclass(frozen=True)
class _Signal:
    kind: str  # "connected" | "go_away" | "ended" | "retry" | "stop"
    conn: _Conn | None = None


class SessionSupervisor:
    """Presents successive :class:`LiveSession` connections as one conversation.

    Same surface as LiveSession (``run``, ``close``, ``send_*``). Content events of
    every connection pass through to ``on_event``; connection states are its own:
    CONNECTING, CONNECTED, RECONNECTING (only once a hand-over or reconnect has taken
    longer than ``grace_s``), CLOSING, DISCONNECTED. Retryable failures are retried
    with capped, jittered exponential backoff; errors that need the user (bad key,
    unknown model, untrusted certificate) are passed on and end the conversation.

    On ``goAway`` a new connection is opened with the newest resumption handle while
    the old one finishes the answer it is giving; what is sent meanwhile waits in a
    buffer and goes to the new connection once it is up, in order. When a handle is
    refused (or missing), a fresh session starts with ``context()`` appended to the
    system instruction, and a :class:`Notice` says so.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        settings: Settings,
        on_event: EventSink,
        context: Callable[[], str] = lambda: "",
        backoff: Backoff | None = None,
        grace_s: float = RECONNECTING_GRACE_S,
        quota_wait_s: float = QUOTA_WAIT_S,
        session_factory: SessionFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._endpoint = endpoint
        self._settings = settings.validated()
        self._emit = on_event
        self._context = context
        self.backoff = backoff or Backoff()
        self._grace_s = grace_s
        self._quota_wait_s = quota_wait_s
        self._factory = session_factory or (
            lambda e, s, sink, handle: LiveSession(e, s, sink, resume_handle=handle)
        )
        self._clock = clock
        self._signals: asyncio.Queue[_Signal] = asyncio.Queue()
        self._current: _Conn | None = None  # ready: sends go here
        self._pending: _Conn | None = None  # connecting
        self._retiring: list[_Conn] = []  # finishing after goAway
        self._buffer: deque[tuple[str, Callable[[LiveSession], None], bytes | None]] = deque()
        self._buffered: dict[str, int] = {}  # items per kind in the buffer
        self._handle: tuple[str, float] | None = None
        self._ever_connected = False
        self._state = SessionState.DISCONNECTED
        self._detail = ""
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._retry_timer: asyncio.TimerHandle | None = None
        self._grace_timer: asyncio.TimerHandle | None = None
        self._stable_timer: asyncio.TimerHandle | None = None
        self._gap_started: float | None = None
        self._closers: set[asyncio.Task[None]] = set()
        # Figures for tests and the soak benchmark.
        self.recoveries: list[tuple[str, float]] = []  # (cause, seconds without a ready link)
        self._gap_cause = ""
        self.handovers = 0
        self.reconnects = 0
        self.fresh_starts = 0
        self.dropped_chunks = 0
        self.audio_chunks_in = 0
        self.replayed_bytes = 0  # audio sent again to a new connection (open utterances)

    @property
    def model(self) -> str:
        return self._settings.model

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def recovery_times(self) -> list[float]:
        """Seconds from each goAway or lost connection until the next one was ready."""
        return [seconds for _, seconds in self.recoveries]

    @property
    def resume_handle(self) -> str | None:
        """The newest handle still worth resuming with, if any."""
        if self._handle is None:
            return None
        handle, at = self._handle
        return handle if self._clock() - at < HANDLE_TTL_S else None

    # --- outgoing -----------------------------------------------------------------
    def send_audio(self, pcm16k: bytes) -> None:
        """One chunk of 16 kHz mono int16 microphone audio; kept while reconnecting."""
        self.audio_chunks_in += 1
        self._send("audio", lambda s: s.send_audio(pcm16k), pcm16k)

    def send_audio_end(self) -> None:
        self._send("other", lambda s: s.send_audio_end())

    def send_activity_start(self) -> None:
        self._send("activity", lambda s: s.send_activity_start())

    def send_activity_end(self) -> None:
        self._send("activity", lambda s: s.send_activity_end())

    def send_video(self, jpeg: bytes) -> None:
        self._send("video", lambda s: s.send_video(jpeg))

    def send_text(self, text: str) -> None:
        self._send("other", lambda s: s.send_text(text))

    def __getattr__(self, name: str) -> Callable[..., None]:
        # Other send_* methods of LiveSession (e.g. activity signals) get the same
        # buffering without the supervisor having to know them.
        if name.startswith("send_") and callable(getattr(LiveSession, name, None)):

            def forward(*args: Any, **kwargs: Any) -> None:
                self._send("other", lambda s: getattr(s, name)(*args, **kwargs))

            return forward
        raise AttributeError(name)

    def _send(
        self, kind: str, action: Callable[[LiveSession], None], audio: bytes | None = None
    ) -> None:
        if self._current is not None:
            self._deliver(self._current, kind, action, audio)
            return
        self._buffer.append((kind, action, audio))
        self._buffered[kind] = self._buffered.get(kind, 0) + 1
        limit = _BUFFER_LIMITS.get(kind)
        if limit is not None and self._buffered[kind] > limit:
            # Drop the oldest of this kind; it sits near the front (after carried-over items).
            for i, (k, _, _) in enumerate(self._buffer):
                if k == kind:
                    del self._buffer[i]
                    break
            self._buffered[kind] -= 1
            if kind == "audio":
                self.dropped_chunks += 1

    def _flush(self, conn: _Conn) -> None:
        while self._buffer:
            kind, action, audio = self._buffer.popleft()
            self._deliver(conn, kind, action, audio)
        self._buffered.clear()

    def _deliver(
        self,
        conn: _Conn,
        kind: str,
        action: Callable[[LiveSession], None],
        audio: bytes | None,
    ) -> None:
        action(conn.session)
        if audio is not None or kind == "activity":
            # Push-to-talk's activityStart belongs to the utterance as much as its audio.
            conn.since_answer.append((action, audio))

    def _replay_open_utterance(self, conn: _Conn) -> None:
        """Send the audio of an utterance the old connection had not answered again.

        The old connection heard part of it and will never answer it; without this the
        new one would hear only the rest. Audio since the old connection's last sign
        of answering is resent first (capped at REPLAY_MAX_CHUNKS).
        """
        items = _from_first_sound(list(conn.since_answer))
        conn.since_answer.clear()
        for action, pcm in reversed(items):
            self._buffer.appendleft(("replay", action, pcm))
        self.replayed_bytes += sum(len(pcm) for _, pcm in items if pcm is not None)

    # --- lifecycle ----------------------------------------------------------------
    async def run(self) -> None:
        """Connect, then keep the conversation connected until ``close()`` or an error
        that needs the user. Never raises for service or network failures."""
        self._task = asyncio.current_task()
        self._set_state(SessionState.CONNECTING)
        self._launch()
        try:
            while True:
                signal = await self._signals.get()
                if signal.kind == "stop" or self._closing:
                    break
                if not self._handle_signal(signal):
                    break
        finally:
            await self._shutdown()

    async def close(self) -> None:
        """Leave every connection cleanly; safe to call more than once."""
        if self._closing:
            return
        self._closing = True
        self._set_state(SessionState.CLOSING)
        self._signals.put_nowait(_Signal("stop"))
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _shutdown(self) -> None:
        self._closing = True
        self._cancel_timers()
        conns = [c for c in (self._current, self._pending, *self._retiring) if c is not None]
        self._current = self._pending = None
        self._retiring.clear()
        await asyncio.gather(*(c.session.close() for c in conns), return_exceptions=True)
        for conn in conns:
            if conn.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await conn.task
        for closer in list(self._closers):
            with contextlib.suppress(asyncio.CancelledError):
                await closer
        self._buffer.clear()
        self._buffered.clear()
        self._set_state(SessionState.DISCONNECTED)

    # --- connections ----------------------------------------------------------------
    def _launch(self) -> None:
        """Start a connection: resume when a handle is valid, else fresh (seeded)."""
        handle = self.resume_handle if self._settings.session_resumption else None
        settings = self._settings
        seeded = False
        if handle is None and self._ever_connected:
            context = self._context().strip()
            if context:
                base = settings.system_instruction.strip()
                instruction = f"{base}\n\n{context}" if base else context
                settings = dataclasses.replace(settings, system_instruction=instruction)
            seeded = True
        holder: list[_Conn] = []  # the session emits only once it runs, after this
        session = self._factory(
            self._endpoint, settings, lambda event: self._on_inner_event(holder[0], event), handle
        )
        conn = _Conn(session=session, resumed=handle is not None, seeded=seeded)
        holder.append(conn)
        self._pending = conn
        conn.task = asyncio.get_running_loop().create_task(conn.session.run(), name="live")
        log.info("connection started (%s)", "resuming" if handle else "fresh")

    def _on_inner_event(self, conn: _Conn, event: LiveEvent) -> None:
        if isinstance(event, StateChanged):
            if event.state is SessionState.DISCONNECTED:
                self._signals.put_nowait(_Signal("ended", conn))
            return
        if isinstance(event, SessionError):
            conn.error = event  # acted on when the connection ends
            return
        if isinstance(event, SetupComplete):
            conn.connected_at = self._clock()
            self._signals.put_nowait(_Signal("connected", conn))
        elif isinstance(event, ResumptionHandle):
            if event.resumable and (conn is self._current or self._current is None):
                self._handle = (event.handle, self._clock())
        elif isinstance(event, GoAway):
            log.info("goAway: %.1f s left", event.time_left)
            self._signals.put_nowait(_Signal("go_away", conn))
        elif isinstance(event, _CONTENT):
            conn.busy = True
            if not isinstance(event, _HEARD):
                conn.since_answer.clear()  # the model is answering what it heard
        elif isinstance(event, TurnComplete):
            conn.busy = False
            conn.since_answer.clear()
            if conn in self._retiring and self._current is not None:
                self._retire_now(conn)
        self._emit(event)

    def _handle_signal(self, signal: _Signal) -> bool:
        """Act on one signal; False when the conversation is over."""
        conn = signal.conn
        if signal.kind == "retry":
            if self._pending is None and self._current is None:
                self._launch()
        elif signal.kind == "connected" and conn is not None and conn is self._pending:
            self._on_connected(conn)
        elif signal.kind == "go_away" and conn is not None and conn is self._current:
            self._begin_handover(conn)
        elif signal.kind == "ended" and conn is not None:
            return self._on_ended(conn)
        return True

    def _on_connected(self, conn: _Conn) -> None:
        self._pending = None
        self._current = conn
        self._flush(conn)
        self._cancel_timers()
        if self._gap_cause in ("go_away", "deadline") and self._gap_started is not None:
            self.backoff.reset()  # a goAway is the service's plan, not a failure
        self._stable_timer = asyncio.get_running_loop().call_later(
            STABLE_S, self._mark_stable, conn
        )
        if self._gap_started is not None:
            self.recoveries.append((self._gap_cause, self._clock() - self._gap_started))
            self._gap_started = None
        self._ever_connected = True
        if conn.seeded:
            self.fresh_starts += 1
            self._emit(Notice(FRESH_SESSION))
        self._set_state(SessionState.CONNECTED)
        for old in list(self._retiring):
            if not old.busy:
                self._retire_now(old)

    def _begin_handover(self, conn: _Conn) -> None:
        """goAway: new connection now; the old one may finish its answer meanwhile."""
        self.handovers += 1
        self._current = None
        self._retiring.append(conn)
        self._take_unsent(conn)
        self._replay_open_utterance(conn)
        self._start_gap("go_away")
        self._launch()

    def _on_ended(self, conn: _Conn) -> bool:
        error = conn.error
        if conn in self._retiring:
            self._retiring.remove(conn)
            self._take_unsent(conn)
            self._close_turn_if_cut(conn)
            return True
        if conn is self._current:
            self._current = None
            self._take_unsent(conn)
            self._replay_open_utterance(conn)
            self.reconnects += 1
            self._close_turn_if_cut(conn)
            if error is not None and error.kind is ErrorKind.SESSION_LIMIT:
                # The service's age limit: planned, like a goAway. Resume at once.
                log.info("connection reached its time limit (%s); resuming", error.detail)
                self._start_gap("deadline")
                self._schedule_retry(error, immediate=True)
                return True
            log.warning("connection lost: %s", error.detail if error else "closed")
            self._start_gap("lost")
            if error is not None and not error.retryable:
                return self._give_up(error)
            self._schedule_retry(error)
            return True
        if conn is self._pending:
            self._pending = None
            self._take_unsent(conn)
            if conn.resumed and (error is None or error.kind not in _TRANSIENT):
                # The handle was refused (the service's close code for that is not
                # documented, so anything but a transient failure counts): start over,
                # seeded with the transcript. A real key or model problem shows up
                # again on that fresh attempt and is reported then.
                log.warning("resumption refused (%s); starting fresh", error and error.detail)
                self._handle = None
                self._ever_connected = True
                self._schedule_retry(error, immediate=True)
                return True
            if error is not None and (
                error.kind in _SETUP_ERRORS_NEEDING_USER or not error.retryable
            ):
                return self._give_up(error)
            if self._gap_started is None:
                self._start_gap("connect")
            self._schedule_retry(error)
        return True

    def _mark_stable(self, conn: _Conn) -> None:
        """A connection that stayed up for STABLE_S was healthy: backoff starts over.
        (Resetting at once would let a service that accepts and then fails at once
        be hammered at the shortest delay.)"""
        if conn is self._current:
            self.backoff.reset()

    def _close_turn_if_cut(self, conn: _Conn) -> None:
        """An answer cut off with its connection will not finish: close its turn (so
        what was said so far is saved), unless another connection is mid-answer."""
        others = [c for c in (self._current, self._pending, *self._retiring) if c is not None]
        if conn.busy and not any(c.busy for c in others if c is not conn):
            conn.busy = False
            self._emit(TurnComplete())

    def _retire_now(self, conn: _Conn) -> None:
        """Close an old connection whose work is done (its end is then ignored)."""
        task = asyncio.get_running_loop().create_task(conn.session.close())
        self._closers.add(task)
        task.add_done_callback(self._closers.discard)

    def _take_unsent(self, conn: _Conn) -> None:
        """What an old connection had not sent yet goes first on the next one."""
        items = conn.session.take_unsent()
        if not items:
            return
        # Those never reached the old connection: not part of what it heard.
        for _ in range(sum(1 for item in items if item.kind in _REPLAYED_KINDS)):
            if conn.since_answer:
                conn.since_answer.pop()
        self._buffer.appendleft(("other", _requeue(items), None))
        if self._current is not None:
            self._flush(self._current)

    def _give_up(self, error: SessionError) -> bool:
        self._emit(error)
        return False

    def _schedule_retry(self, error: SessionError | None, immediate: bool = False) -> None:
        if immediate:
            self._signals.put_nowait(_Signal("retry"))
            return
        at_least = self._quota_wait_s if error and error.kind is ErrorKind.QUOTA else 0.0
        delay = self.backoff.next_delay(at_least)
        kind = error.kind if error is not None else ErrorKind.PROTOCOL
        text = _WAIT_TEXT.get(kind, _WAIT_TEXT[ErrorKind.PROTOCOL])
        log.info("retrying in %.2f s (%s)", delay, kind.value)
        if delay > self._grace_s or self._state is SessionState.RECONNECTING:
            self._set_state(SessionState.RECONNECTING, text.format(s=max(1, round(delay))))
        loop = asyncio.get_running_loop()
        self._retry_timer = loop.call_later(
            delay, lambda: self._signals.put_nowait(_Signal("retry"))
        )

    def _start_gap(self, cause: str) -> None:
        """From now until a connection is ready, sends wait; say so after the grace time."""
        self._gap_started = self._clock()
        self._gap_cause = cause
        if self._grace_timer is None:
            self._grace_timer = asyncio.get_running_loop().call_later(
                self._grace_s, self._show_reconnecting
            )

    def _show_reconnecting(self) -> None:
        self._grace_timer = None
        if self._current is None and not self._closing:
            self._set_state(SessionState.RECONNECTING)

    def _cancel_timers(self) -> None:
        for timer in (self._retry_timer, self._grace_timer, self._stable_timer):
            if timer is not None:
                timer.cancel()
        self._retry_timer = self._grace_timer = self._stable_timer = None

    def _set_state(self, state: SessionState, detail: str = "") -> None:
        if state is self._state and detail == self._detail:
            return
        self._state, self._detail = state, detail
        self._emit(StateChanged(state, detail))


def _from_first_sound(
    items: list[tuple[Callable[[LiveSession], None], bytes | None]],
) -> list[tuple[Callable[[LiveSession], None], bytes | None]]:
    """Drop the silence before the utterance (keeping a short lead-in): resending
    seconds of room noise would only delay the new connection."""
    for i, (_, pcm) in enumerate(items):
        if pcm is None or _dbfs(pcm) > REPLAY_SOUND_DBFS:  # activity signals count
            return items[max(0, i - REPLAY_LEAD_IN_CHUNKS) :]
    return []


def _dbfs(pcm: bytes) -> float:
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(samples * samples))) / 32768.0
    return 20.0 * float(np.log10(rms)) if rms > 0 else -120.0


def _requeue(items: list[Any]) -> Callable[[LiveSession], None]:
    def action(session: LiveSession) -> None:
        session.enqueue(items)

    return action
