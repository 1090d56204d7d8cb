"""Wires one conversation together: live session, microphone, speaker, transcript, view."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.context import recent_context
from gemini_desk.core.desk_state import SessionStatus, TalkState
from gemini_desk.core.events import (
    ErrorKind,
    GenerationComplete,
    Interrupted,
    LiveEvent,
    ModelAudio,
    Notice,
    SessionError,
    SessionState,
    StateChanged,
    TextSent,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
    VoiceActivity,
    WaitingForInput,
)
from gemini_desk.core.history import load_transcript
from gemini_desk.core.level_meter import FLOOR_DB, to_db
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.observable import Observable
from gemini_desk.core.quiet_pause import QuietPause
from gemini_desk.core.serial_writer import SerialWriter
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import Declarations
from gemini_desk.core.transcript import Transcript, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.live.config import Endpoint
from gemini_desk.live.reconnect_policy import STABLE_S
from gemini_desk.live.supervisor import SessionSupervisor
from gemini_desk.session.answer_timing import AnswerTiming
from gemini_desk.session.audio_devices import AudioDevices, reason
from gemini_desk.session.ports import (
    ConversationView,
    MicFactory,
    Microphone,
    Speaker,
    SpeakerFactory,
    ToolHandler,
)
from gemini_desk.session.talk import TALK_FIELDS, TalkController
from gemini_desk.session.thinking import ThinkingWatch

log = logging.getLogger("gemini_desk.conversation")

# A mic chunk louder than this counts as speech when timing the end of the user's turn.
SPEECH_DBFS = -40.0
_ERROR_ACTIONS = {
    ErrorKind.BAD_KEY: "api_key",
    ErrorKind.UNKNOWN_MODEL: "use_default_model",
    ErrorKind.REJECTED_SETTING: "settings",
}
# What the tool layer is told: calls, their withdrawal, and barge-in (blocking calls end).
_TOOL_EVENTS = (ToolCall, ToolCallCancellation, Interrupted)
# Speech and typing go on while a dropped connection is being replaced (they wait).
_LIVE = (SessionState.CONNECTED, SessionState.RECONNECTING)
# Settings that are part of the session's setup: they apply at the next connect.
SESSION_FIELDS = ("model", "voice", "system_instruction", "thinking_level", "language_code")


def chunk_dbfs(pcm16: bytes) -> float:
    """RMS level of an int16 chunk in dBFS (floor -90)."""
    samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32)
    if samples.size == 0:
        return FLOOR_DB
    return to_db(float(np.sqrt(np.mean(samples * samples))) / 32768.0)


class Conversation:
    """Owns the live session and the audio streams while connected.

    All methods run on the event loop's thread. Audio devices that fail to open are
    reported in plain words and the conversation goes on without them (typing works).

    ``settings``: the app's :class:`SettingsModel` (plain Settings get one of their own);
    talk settings reconfigure :attr:`talk`, session settings apply at the next connect.
    It writes the :attr:`status` and :attr:`mute` models."""

    # A connection up this long was healthy (shorter ones after a goAway back off); the
    # soak benchmark, which compresses time, scales it.
    stable_s = STABLE_S

    def __init__(
        self,
        view: ConversationView,
        settings: Settings | SettingsModel,
        conversations_dir: Path,
        mic_factory: MicFactory | None,
        speaker_factory: SpeakerFactory | None,
    ) -> None:
        self._view = view
        if isinstance(settings, Settings):
            settings = SettingsModel(settings)
        self.settings_model = settings
        self._conversations_dir = conversations_dir
        self.endpoint: Endpoint | None = None
        # One supervisor per conversation: it keeps the session across connections.
        self.session: SessionSupervisor | None = None
        self._task: asyncio.Task[None] | None = None
        self.status: Observable[SessionStatus] = Observable(SessionStatus())
        self.mute: Observable[bool] = Observable(False)
        self.status.subscribe(lambda _old, new: view.set_session_state(new.state, new.detail))
        self.mute.subscribe(lambda _old, muted: view.set_muted(muted))
        self.timing = AnswerTiming(lambda: self.speaker, self._show_latency)
        self._store: TranscriptStore | None = None
        # Finished turns are written (and fsynced) on this thread, never the loop's.
        self._writer = SerialWriter("gd-transcript")
        self.transcript = Transcript(on_change=view.show_turn, on_finished=self._on_turn_finished)
        self._answering = False
        # Microphone and speaker, opened while connected (a lost one is tried again).
        self.devices = AudioDevices(
            view,
            mic_factory,
            speaker_factory,
            self._on_mic_chunk,
            live=lambda: self.state is SessionState.CONNECTED,
            muted=lambda: self.muted,
        )
        # Talk modes (issue 5): decides which mic chunks are sent, and activityStart/End.
        self.talk = TalkController(
            settings.current,
            lambda: self.session,
            lambda: self.speaker,
            lambda message: self._view.show_error(message),
        )
        # Called when the conversation ends (screen sharing stops with it).
        self.on_disconnected: list[Callable[[], None]] = []
        # Runs the model's tool calls (None: no tools are offered).
        self.tools: ToolHandler | None = None
        # An answer awaited (the status element's "thinking"): fed below.
        self.thinking = ThinkingWatch()
        self.talk.state.subscribe(self._on_talk_state)
        # Hands-free in a quiet room the audio stream pauses (core/quiet_pause.py).
        self.quiet = QuietPause()
        # The waits between connection attempts, made per connect (tests lengthen them).
        self.make_backoff: Callable[[], Backoff] = Backoff
        settings.subscribe(TALK_FIELDS, lambda _old, new: self.talk.configure(new))
        settings.subscribe(SESSION_FIELDS, self._on_session_settings)

    @property
    def settings(self) -> Settings:
        return self.settings_model.current

    @settings.setter
    def settings(self, new: Settings) -> None:
        """Standalone use (tests): the app changes settings through its SettingsModel."""
        self.settings_model.replace(new)

    @property
    def state(self) -> SessionState:
        return self.status.value.state

    @property
    def muted(self) -> bool:
        return self.mute.value

    def _on_session_settings(self, old: Settings, new: Settings) -> None:
        if self.state is SessionState.CONNECTED:
            self._view.show_error(message(M.APPLY_NEXT_CONNECT))

    # --- commands from the window -------------------------------------------------
    def connect(self) -> None:
        if self._task is not None and not self._task.done():
            return
        if self.endpoint is None:
            self._view.show_error(message(M.NO_KEY_YET), "api_key")
            return
        self._view.clear_error()
        if self._store is None:  # one file for the whole conversation, across connects
            self._store = self._make_store()
        self.session = SessionSupervisor(
            self.endpoint,
            self.settings,
            self._on_event,
            context=lambda: recent_context(self.transcript.finished_turns),
            tools=self.tools.declarations if self.tools is not None else Declarations,
            stable_s=self.stable_s,
            # A talk-mode switch, a reconnect or a continued conversation: what was said
            # goes to the new session as context.
            seed_first=bool(self.transcript.finished_turns),
            backoff=self.make_backoff(),
        )
        self._task = asyncio.get_running_loop().create_task(self.session.run(), name="live")

    async def disconnect(self) -> None:
        session, task = self.session, self._task
        if session is not None and self.talk.ptt.talking:
            self.talk.set_connected(False)  # activityEnd goes out before the socket closes
            await asyncio.sleep(0.05)
        if session is not None:
            await session.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def continue_conversation(self, path: Path) -> None:
        """Go on with a stored conversation: its turns are shown, the next finished
        turns are appended to ``path``, and the next connection gets them as context
        (a live one is replaced at once). Raises OSError when it cannot be read."""
        turns = load_transcript(path)
        self.transcript.finish_all()
        self._view.clear_transcript()
        self.transcript.restore(turns)
        self._store = self._make_store(path)
        log.info("continuing a stored conversation (%d turns)", len(turns))
        if self.session is not None and self.state in _LIVE:
            asyncio.get_running_loop().create_task(self._reconnect(), name="continue")

    async def _reconnect(self) -> None:
        await self.disconnect()
        self.connect()

    def _make_store(self, path: Path | None = None) -> TranscriptStore:
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None

        def not_saved(exc: OSError) -> None:  # on the writer thread
            if loop is not None:
                loop.call_soon_threadsafe(self._not_saved, exc)

        if path is not None:
            return TranscriptStore.continuing(path, writer=self._writer, on_error=not_saved)
        return TranscriptStore(self._conversations_dir, writer=self._writer, on_error=not_saved)

    def send_text(self, text: str) -> None:
        """Send a typed message; its turn shows "sending" until it is on the wire (while
        reconnecting it waits), and "not sent" if the conversation ends first."""
        text = text.strip()
        if not text or self.session is None or self.state not in _LIVE:
            return
        turn = self.transcript.add_typed(text, sending=True)
        self.timing.last_typed = time.monotonic()
        self.thinking.turn_ended()
        self.session.send_text(text, turn.id)

    def resend(self, turn_id: int) -> None:
        """Send a typed message that was not sent again, as a new turn (connecting
        first when disconnected: it waits for the connection)."""
        old = next((t for t in self.transcript.turns if t.id == turn_id), None)
        if old is None or old.delivery != "not_sent":
            return
        if self.state is SessionState.DISCONNECTED:
            self.connect()
        if self.session is None or self.state is SessionState.CLOSING:
            return
        self.transcript.mark_resent(turn_id)
        turn = self.transcript.add_typed(old.text, sending=True)
        self.timing.last_typed = time.monotonic()
        self.session.send_text(old.text, turn.id)

    def retry_now(self) -> None:
        """Skip the wait before the next connection attempt."""
        if self.session is not None:
            self.session.retry_now()

    def send_video(self, jpeg: bytes) -> bool:
        """Send one JPEG of what the user shares; False (nothing sent) unless connected."""
        if not self.video_ready():
            return False
        assert self.session is not None
        self.session.send_video(jpeg)
        return True

    def video_ready(self) -> bool:
        return self.session is not None and self.state is SessionState.CONNECTED

    def set_muted(self, muted: bool) -> None:
        """Muted, the microphone's stream is closed (the system's microphone indicator
        goes off) and the pre-roll emptied; unmuted, the same capture opens again, so
        only audio captured from then on can go out."""
        self.mute.set(muted)
        ended = self.quiet.paused  # a quiet room's pause has ended the stream already
        self.quiet.reset()
        self.talk.set_muted(muted)  # activityEnd (if talking) goes before audioStreamEnd
        self.devices.set_muted(muted)
        if muted and not ended and self.session is not None and self.state in _LIVE:
            self.session.send_audio_end()

    async def shutdown(self) -> None:
        """Stop streams, leave the connection, then wait (a little) for the transcript
        to be on disk."""
        self.devices.stop()
        await self.disconnect()
        await asyncio.to_thread(self._writer.flush, 5.0)

    # --- audio --------------------------------------------------------------------
    @property
    def mic(self) -> Microphone | None:
        return self.devices.mic

    @property
    def speaker(self) -> Speaker | None:
        return self.devices.speaker

    def on_audio_lost(self, what: Message) -> None:
        """A device vanished or its stream failed: both streams stop, and are tried
        again every couple of seconds while connected."""
        self.devices.lost(what)

    def restart_audio(self) -> None:
        """Reopen the devices (after the user picked others in Settings)."""
        if self.state is SessionState.CONNECTED:
            self.devices.restart()

    def _on_mic_chunk(self, pcm: bytes) -> None:
        if self.session is None or self.state not in _LIVE or self.muted:
            return
        if not self.talk.mic_chunk(pcm):  # push-to-talk, key up: kept as pre-roll only
            return
        level, now = chunk_dbfs(pcm), time.monotonic()
        if level > SPEECH_DBFS:
            self.timing.last_speech = now
        # Hands-free and idle: not while the model answers or its answer still plays.
        may_pause = (
            self.state is SessionState.CONNECTED and self.talk.display() is TalkState.HANDS_FREE
        )
        step = self.quiet.chunk(pcm, level, now, may_pause)
        if step.end_stream:
            log.debug("quiet room: the audio stream pauses")
            self.session.send_audio_end()
        for chunk in step.send:
            self.session.send_audio(chunk)

    # --- events from the live session ---------------------------------------------
    def _on_event(self, event: LiveEvent) -> None:
        if isinstance(event, ModelAudio):
            self._on_model_audio(event)
            return
        if isinstance(event, StateChanged):
            self._on_state(event)
        elif isinstance(event, TextSent):
            self.transcript.text_sent(event.token)
            return
        elif isinstance(event, Notice):
            self._view.show_error(event.message)
        elif isinstance(event, SessionError):
            self._view.show_error(event.message, _ERROR_ACTIONS.get(event.kind))
        elif isinstance(event, Interrupted):
            if self.speaker is not None:
                self.speaker.clear()
            self._answering = False
            self.talk.model_answering(False)
            self.thinking.answer_ended()
        elif isinstance(event, VoiceActivity):
            self._view.set_voice_activity(event.active)
            if event.active:
                self.thinking.user_speaking()
            else:
                self.thinking.turn_ended()
        elif isinstance(event, WaitingForInput):
            # The model holds its answer while the user may go on: not answering now.
            self._answering = False
            self.talk.model_answering(False)
            self.thinking.answer_ended()
        elif isinstance(event, GenerationComplete):
            # All of the answer's audio is here (turnComplete follows only after its
            # real-time length): running dry from now on is its end, not an underrun.
            if self.speaker is not None:
                self.speaker.end_turn()
        elif isinstance(event, TurnComplete):
            if self.speaker is not None:
                self.speaker.end_turn()
            self._answering = False
            self.talk.model_answering(False)
            self.thinking.answer_ended()
        if self.tools is not None and isinstance(event, _TOOL_EVENTS):
            self.tools.on_event(event)
        self.transcript.apply(event)

    def _on_state(self, event: StateChanged) -> None:
        status = SessionStatus(event.state, event.detail, event.retry)
        self.status.set(status)  # the window and the tray follow
        # A hand-over or reconnect keeps the key's turn: the supervisor buffers what is
        # said meanwhile and sends it on the new connection.
        self.talk.set_connected(status.live)
        if event.state is SessionState.CONNECTED:
            self.quiet.reset()  # a new connection hears the microphone from the start
            self.devices.start()
        elif event.state is SessionState.DISCONNECTED:
            self._view.set_voice_activity(False)
            self.devices.stop()
            self.transcript.not_sent()  # typed messages still waiting never went out
            self.transcript.finish_all(cut=True)  # an answer still open was cut off
            self.session = None
            self._answering = False
            self.thinking.reset()
            if self.tools is not None:
                self.tools.connection_closed()
            for callback in self.on_disconnected:
                callback()

    def _on_model_audio(self, event: ModelAudio) -> None:
        self.thinking.answer_started()
        self.talk.model_answering(True)
        if not self._answering:
            self._answering = True
            self.timing.answer_started(self.talk.last_activity_end)
        if self.speaker is not None:
            self.speaker.feed(event.pcm, event.rate)

    def _on_talk_state(self, old: TalkState, new: TalkState) -> None:
        if old is TalkState.LISTENING and new in (TalkState.IDLE, TalkState.HANDS_FREE):
            self.thinking.turn_ended()  # the talk key was released: the turn is sent

    def _show_latency(self, ms: float, server_ms: float | None) -> None:
        self._view.set_latency(ms, server_ms)
        self.transcript.set_latency(ms, server_ms)

    def _on_turn_finished(self, turn: Turn) -> None:
        if self._store is None:
            return
        self._store.append(turn)  # written in the background; a failure comes back

    def _not_saved(self, exc: OSError) -> None:
        self._view.show_error(message(M.TRANSCRIPT_NOT_SAVED, reason(exc)))
