"""One Live conversation: connect, send audio/video/text, and the outer receive loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from google.genai import errors as genai_errors
from google.genai import types
from google.genai.live import AsyncSession
from websockets.exceptions import ConnectionClosed

from gemini_desk.core.events import (
    LiveEvent,
    SessionError,
    SessionState,
    SetupComplete,
    StateChanged,
    TextSent,
)
from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import Declarations
from gemini_desk.live.bad_frames import BAD_FRAME_LIMIT, BadFrameCounter
from gemini_desk.live.config import INPUT_MIME, Endpoint, build_connect_config, make_client
from gemini_desk.live.errors import BadFrames, SetupTimeout, classify
from gemini_desk.live.messages import AudioRateCheck, events_from_message

log = logging.getLogger("gemini_desk.live")

EventSink = Callable[[LiveEvent], None]

# Audio waiting to be sent while the socket is slow: 10 s at 50 chunks/s. Past that the
# oldest chunk goes (and is counted): stale speech is worth less than current speech.
MAX_QUEUED_CHUNKS = 500
CLOSE_TIMEOUT_S = 3.0
# From the start of the connect until setupComplete (TCP, TLS, handshake, setup reply).
SETUP_TIMEOUT_S = 15.0
# Failures of the connection itself; anything else the SDK raises on receive is a frame
# it could not read (it read the whole frame first, so the next one is fine).
_CONNECTION_FAILURES = (genai_errors.APIError, ConnectionClosed, OSError)

__all__ = ["BAD_FRAME_LIMIT", "SETUP_TIMEOUT_S", "LiveSession"]


@dataclass(slots=True)
class _Outgoing:
    kind: str  # "audio" | "video" | "text" | "audio_end" | "activity_*" | "tool_response"
    data: bytes = b""
    text: str = ""
    response: types.FunctionResponse | None = None
    token: int = 0  # a typed message's number: TextSent(token) once it is on the wire


class LiveSession:
    """Owns one connection to the Live service for its lifetime.

    ``run()`` connects and pumps server messages into ``on_event`` until ``close()`` is
    called or the connection fails; it never raises for service or network failures
    (they become ``SessionError`` events followed by ``StateChanged(DISCONNECTED)``).
    A setup reply that takes longer than ``setup_timeout_s`` is such a failure
    (retryable); a frame the SDK cannot read is skipped and counted (``bad_frames``),
    and only several close together end the connection (retryable too).
    The ``send_*`` methods are synchronous and safe to call from the loop thread at any
    time; what is sent before the connection is up waits in the queue.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        settings: Settings,
        on_event: EventSink,
        resume_handle: str | None = None,
        tools: Declarations | None = None,
        setup_timeout_s: float = SETUP_TIMEOUT_S,
    ) -> None:
        self._endpoint = endpoint
        self._setup_timeout_s = setup_timeout_s
        self._bad = BadFrameCounter()
        self._settings = settings.validated()
        self.resume_handle = resume_handle  # continue this session (resumption)
        self.tools = tools  # declared in setup
        self._emit = on_event
        self._pending: deque[_Outgoing] = deque()
        self._queued_audio = 0
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._session: AsyncSession | None = None
        self._inflight: _Outgoing | None = None
        self.dropped_chunks = 0
        self.sent_audio_chunks = 0

    @property
    def model(self) -> str:
        return self._settings.model

    @property
    def bad_frames(self) -> int:
        """Frames from the service that could not be read and were skipped."""
        return self._bad.total

    # --- outgoing -----------------------------------------------------------------
    def send_audio(self, pcm16k: bytes) -> None:
        """Queue one chunk of 16 kHz mono int16 microphone audio."""
        if self._queued_audio >= MAX_QUEUED_CHUNKS:
            self._drop_oldest_audio()
        self._put(_Outgoing("audio", pcm16k))

    def send_audio_end(self) -> None:
        """Tell the service the microphone stream paused (mute)."""
        self._put(_Outgoing("audio_end"))

    def send_activity_start(self) -> None:
        """Push-to-talk: the user started speaking (automatic activity detection off)."""
        self._put(_Outgoing("activity_start"))

    def send_activity_end(self) -> None:
        """Push-to-talk: the user stopped speaking; the model answers now."""
        self._put(_Outgoing("activity_end"))

    def send_video(self, jpeg: bytes) -> None:
        self._put(_Outgoing("video", jpeg))

    def send_text(self, text: str, token: int = 0) -> None:
        """Queue a typed message; with a ``token``, ``TextSent(token)`` follows once the
        SDK has written it to the connection."""
        self._put(_Outgoing("text", text=text, token=token))

    def send_tool_response(
        self, call_id: str, name: str, response: dict[str, object], scheduling: str | None = None
    ) -> None:
        """Answer the model's function call ``call_id`` (``scheduling``: how a
        non-blocking call's result joins the conversation; None for a blocking call)."""
        reply = types.FunctionResponse(
            id=call_id,
            name=name,
            response=response,
            scheduling=types.FunctionResponseScheduling(scheduling) if scheduling else None,
        )
        self._put(_Outgoing("tool_response", response=reply))

    def take_unsent(self) -> list[_Outgoing]:
        """Remove and return what is still queued (to send it on another connection)."""
        items: list[_Outgoing] = []
        if self._session is None and self._inflight is not None:
            # The send that failed because the connection died never reached the wire.
            items.append(self._inflight)
            self._inflight = None
        items.extend(self._pending)
        self._pending.clear()
        self._queued_audio = 0
        return items

    def enqueue(self, items: list[_Outgoing]) -> None:
        """Queue items taken from another session with :meth:`take_unsent`."""
        for item in items:
            self._put(item)

    def _put(self, item: _Outgoing) -> None:
        self._pending.append(item)
        if item.kind == "audio":
            self._queued_audio += 1
        self._wake.set()

    def _drop_oldest_audio(self) -> None:
        """Back-pressure: the oldest microphone chunk goes; control messages, text and
        video never do (losing an activityStart/End would leave a turn open)."""
        for index, item in enumerate(self._pending):
            if item.kind == "audio":
                del self._pending[index]
                self._queued_audio -= 1
                self.dropped_chunks += 1
                return

    async def _next(self) -> _Outgoing:
        while not self._pending:
            self._wake.clear()
            await self._wake.wait()
        item = self._pending.popleft()
        if item.kind == "audio":
            self._queued_audio -= 1
        return item

    # --- lifecycle ----------------------------------------------------------------
    async def run(self) -> None:
        """Connect and receive until closed. Emits state changes and errors as events."""
        self._task = asyncio.current_task()
        self._emit(StateChanged(SessionState.CONNECTING))
        error: SessionError | None = None
        try:
            client = make_client(self._endpoint)
            config = build_connect_config(self._settings, self.resume_handle, self.tools)
            log.info("connecting to %s (model %s)", self._endpoint.base_url or "Google", self.model)
            async with contextlib.AsyncExitStack() as stack:
                session = await self._open(stack, client.aio.live.connect, config)
                self._session = session
                self._emit(SetupComplete(model=self.model, session_id=session.session_id))
                self._emit(StateChanged(SessionState.CONNECTED))
                sender = asyncio.create_task(self._send_loop(session), name="live-send")
                try:
                    await self._receive_loop(session)
                finally:
                    failed = sender.done() and not sender.cancelled()
                    sender.cancel()
                    if not failed:
                        self._inflight = None  # cancelled mid-send: it went out
                    with contextlib.suppress(asyncio.CancelledError):
                        await sender
        except asyncio.CancelledError:
            if not self._closing:
                raise
        except Exception as exc:  # every failure becomes words for the user
            if not self._closing:
                error = classify(exc, self.model)
                log.warning("session ended: %s (%s)", error.kind.value, error.detail)
        finally:
            self._session = None
            if error is not None:
                self._emit(error)
            self._emit(StateChanged(SessionState.DISCONNECTED))
            log.info("session closed")

    async def close(self) -> None:
        """Leave the connection cleanly; safe to call more than once."""
        if self._closing:
            return
        self._closing = True
        self._emit(StateChanged(SessionState.CLOSING))
        task = self._task
        if task is None or task.done() or task is asyncio.current_task():
            return
        session = self._session
        if session is not None:
            # A normal close (1000) ends the receive loop by itself; cancelling the task
            # instead would leave the socket with 1011 "internal error".
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.close(), CLOSE_TIMEOUT_S)
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), CLOSE_TIMEOUT_S)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _open(
        self,
        stack: contextlib.AsyncExitStack,
        connect: Callable[..., contextlib.AbstractAsyncContextManager[AsyncSession]],
        config: types.LiveConnectConfig,
    ) -> AsyncSession:
        """Connect and wait for the setup reply, at most ``setup_timeout_s``."""
        deadline = asyncio.timeout(self._setup_timeout_s)
        try:
            async with deadline:
                return await stack.enter_async_context(connect(model=self.model, config=config))
        except TimeoutError as exc:
            if deadline.expired():
                raise SetupTimeout(self._setup_timeout_s) from exc
            raise
        except OSError:
            raise  # ssl's certificate error is a ValueError too: it stays a network error
        except ValueError as exc:  # JSON or validation (pydantic's errors are ValueErrors)
            raise BadFrames(f"setup reply: {type(exc).__name__}: {exc}") from exc

    # --- loops --------------------------------------------------------------------
    async def _receive_loop(self, session: AsyncSession) -> None:
        rates = AudioRateCheck()  # an unplayable rate is said once per connection
        while True:
            # receive() ends after every turnComplete, and with the error when it could
            # not read a frame; the conversation goes on with the next receive().
            messages = session.receive()
            while True:
                try:
                    message = await anext(messages)
                except StopAsyncIteration:
                    break
                except _CONNECTION_FAILURES:
                    raise
                except Exception as exc:
                    self._bad.note(exc)  # raises BadFrames once there are too many
                    break
                try:
                    events = events_from_message(message, rates)
                except Exception as exc:  # a frame the SDK read but that makes no sense
                    self._bad.note(exc)
                    continue
                for event in events:
                    self._emit(event)

    async def _send_loop(self, session: AsyncSession) -> None:
        while True:
            self._inflight = None
            item = await self._next()
            self._inflight = item  # kept by take_unsent() if this send fails
            if item.kind == "audio":
                await session.send_realtime_input(
                    audio=types.Blob(data=item.data, mime_type=INPUT_MIME)
                )
                self.sent_audio_chunks += 1
            elif item.kind == "video":
                await session.send_realtime_input(
                    video=types.Blob(data=item.data, mime_type="image/jpeg")
                )
            elif item.kind == "text":
                await session.send_realtime_input(text=item.text)
                if item.token:
                    self._emit(TextSent(item.token))
            elif item.kind == "activity_start":
                await session.send_realtime_input(activity_start=types.ActivityStart())
            elif item.kind == "activity_end":
                await session.send_realtime_input(activity_end=types.ActivityEnd())
            elif item.kind == "audio_end":
                await session.send_realtime_input(audio_stream_end=True)
            elif item.kind == "tool_response" and item.response is not None:
                await session.send_tool_response(function_responses=[item.response])
