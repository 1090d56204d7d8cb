"""Feeds a ``BlockRenderer``'s blocks into a ``PulseOutput`` from a thread of its own.

While an answer plays the server keeps the stream's buffer of our audio queued (60 ms
asked, 50 ms granted by the test server: it keeps part of a latency request in the
sink); this thread wakes every ``tick_ms`` (or at once when playback is cleared or an
answer arrives while idle), renders what the server has room for through the player's
``BlockRenderer`` (jitter policy, meter, reference tap) and writes it. That is ~50 Python
wake-ups a second instead of one every 6 ms, with 30 ms of slack on a busy machine, and
the queued audio is still never in the way (measured: asking 100 ms gave 70 ms and more
slack, but the sink's share grew too, which a rewrite cannot reach: the barge-in heard on
the recording went from 12-22 ms to 32 ms):

* **barge-in**: the queued tail is overwritten from just ahead of the server's read
  position with a 3 ms fade of exactly the samples that were due there, then silence -
  no click, and nothing queued before the interruption is heard after it;
* **an answer starting while idle**: while idle only ``tick + 10 ms`` of silence is kept
  queued (enough to cover one late wake-up); when an answer arrives that silence is
  rewritten with it from a sink block past the server's read position (the barge-in's
  negative seek), so the answer waits behind ~one sink block instead of 0-30 ms of
  silence; the queue grows to the full buffer while it plays. The rewritten block is
  stamped with when it will really be heard: earlier than the silence the echo
  canceller already holds, which ``EchoCanceller.push_far`` takes for a rewrite and
  drops. (Flushing the silence instead moved the server's read position by an amount
  known only to within a sink block, and the echo canceller's alignment with it:
  measured here, echo leaked at the start of every other answer.)
* **a pause in the conversation** (nothing played for ``REST_AFTER_S``): the idle queue
  grows to ``REST_QUEUE_S`` of silence and the thread wakes every ``REST_TICK_S``, ~8
  times a second instead of ~50; the queue figure then comes from the server (one round
  trip a wake-up: beyond its buffer libpulse's own figure no longer bounds our estimate,
  and a sink that is slow to start would let it grow). An answer or a cue after the
  pause is moved up over that silence as above.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from gemini_desk.audio.pulse_output import PulseError
from gemini_desk.audio.pulse_sink import PulseSink
from gemini_desk.audio.render import BlockRenderer

__all__ = ["PulseWriter"]

log = logging.getLogger("gemini_desk.audio")

_MARGIN_S = 0.004  # barge-in rewrites from this far past the estimated read position
_NO_TIMING_MARGIN_S = 0.02  # more when the position is only our own estimate
_MIN_START_CUT_S = 0.004  # an answer is not moved up by less than this (not worth a rewrite)
_START_AHEAD_S = 0.01  # an answer's start is rewritten no closer to the speaker than this
_HISTORY_S = 1.0
JOIN_TIMEOUT_S = 2.0  # stop() waits this long for the thread (the thread frees the stream)
# No frame taken by the server for this long: the stream plays nowhere. PipeWire parks a
# stream whose device vanished when it has nowhere to move it: no error, no callback.
STALL_S = 2.0
# A pause in the conversation: nothing played for REST_AFTER_S (as long as the echo
# canceller waits before it rests, EchoOptions.rest_after_s). The idle queue of silence
# then grows to REST_QUEUE_S and the thread sleeps REST_TICK_S: ~8 wake-ups a second
# instead of ~50, 60 ms of slack for a late one. An answer or a cue after the pause is
# moved up over that silence like any other (``_start_early``: up to the scratch block).
REST_AFTER_S = 10.0
REST_QUEUE_S = 0.18
REST_TICK_S = 0.12


class PulseWriter:
    """Keeps ``output`` filled from ``renderer`` (see the module docstring); calls
    ``on_failed()`` from its thread when the stream or the server is gone.

    The writer owns ``output``: its thread closes it on the way out, so the libpulse
    objects are never freed while the thread may still be inside a call on them (a
    ``stop()`` whose join times out leaves the closing to the thread; a writer never
    started closes it in ``stop()``).

    ``service()`` is one refill, what the thread does at each wake-up; ``clock`` is the
    monotonic clock the queue estimate runs on (both public so the arithmetic can be
    driven without a thread or a server).
    """

    def __init__(
        self,
        renderer: BlockRenderer,
        output: PulseSink,
        tick_ms: float,
        on_failed: Callable[[], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.renderer = renderer
        self.output = output
        self.on_failed = on_failed
        self.clock = clock
        self.rate = output.rate
        self.tick = tick_ms / 1000.0
        self.buffer = output.buffer_frames
        # An answer that ran dry mid-turn: while the server holds more than ``low_water``
        # the writer waits for audio (waking early, and on every feed()); below
        # ``last_call`` it pads with silence, which is an underrun.
        self.low_water = int(self.rate * (tick_ms + 10.0) / 1000.0)
        self.idle_frames = min(self.buffer, self.low_water)  # silence kept queued when idle
        self.rest_after_s = REST_AFTER_S
        self.rest_frames = int(self.rate * REST_QUEUE_S)  # ... and in a pause
        self.rest_tick_s = REST_TICK_S
        self._busy_at: float | None = None  # monotonic, when something last played
        self.resting = False  # in a pause: the longer queue of silence, the longer sleep
        self.last_call = int(self.rate * 0.008)
        self.starving = False  # waiting for audio mid-turn: feed() should wake us
        self._timeout = self.tick
        self._scratch = np.zeros(max(self.buffer, self.rate // 5), dtype=np.float32)  # 200 ms
        self._history = np.zeros(int(self.rate * _HISTORY_S), dtype=np.float32)
        self._audio_end = 0  # stream index after the last non-silent frame written
        # (monotonic time, frames written) when the server's queue was last known to be
        # empty: the first write or a detected run-dry. The queue is then "written since
        # minus played since" (the server plays at the stream's rate), no round trip.
        self._anchor: tuple[float, int] | None = None
        self._progress_at: float | None = None  # monotonic, the last write the server made room for
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._started = False
        self._close_lock = threading.Lock()
        self._closed = False
        self.last_clear_handled: float | None = None  # monotonic, the fade was written
        self.start_rewrites = 0  # answers moved up over the idle silence (_start_early)
        self._thread = threading.Thread(target=self._run, name="gd-speaker", daemon=True)

    @property
    def buffer_latency(self) -> float:
        """Seconds of audio the server's buffer holds when full (the stream's latency)."""
        return self.buffer / self.rate

    @property
    def wait_s(self) -> float:
        """Seconds the thread sleeps before the next refill unless woken."""
        return self._timeout

    def start(self) -> None:
        self._thread.start()
        self._started = True

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Ask the thread to leave and wait up to ``JOIN_TIMEOUT_S`` for it. It closes
        the stream as it leaves, however late; a writer never started closes it here."""
        self._stop.set()
        self._wake.set()
        if not self._started:
            self._close_output()
            return
        if self._thread is threading.current_thread():
            return  # _run() closes the stream when it returns
        self._thread.join(timeout=JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            log.warning(
                "speaker thread still busy %.1f s after stop: it closes its stream when it is done",
                JOIN_TIMEOUT_S,
            )

    def _close_output(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self.output.close()

    # -- the thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self._timeout)
                self._wake.clear()
                if self._stop.is_set():
                    return
                if not self.service():
                    self.on_failed()
                    return
        except PulseError as exc:
            log.info("speaker stream failed: %s", exc)
            self.on_failed()
        finally:
            # Here, not in stop(): only this thread knows it makes no more calls.
            self._close_output()

    def service(self) -> bool:
        """One refill; False when the stream or the server is gone."""
        renderer = self.renderer
        if not renderer.prepared:
            return True
        if renderer.clear_pending:
            self._barge_in()
            self._busy_at = self.clock()
        elif not renderer.active and renderer.will_play(renderer.available):
            self._start_early()
            self._busy_at = self.clock()
        out = self.output
        # In a pause the queue outgrows the server's buffer, where libpulse's figure no
        # longer bounds our clock's estimate: it is taken from the server (one round
        # trip per wake-up); without an answer, this wake-up keeps the short queue.
        resting = self._in_pause(self.clock()) and self._reanchor()
        with out.locked():
            if not out.alive_locked():
                return False
            now = self.clock()
            queued = self._queued(now)
            available = renderer.available
            playing = renderer.will_play(available)
            if playing:
                self._busy_at = now
                resting = False
            if resting != self.resting:
                self.resting = resting
                log.debug("speaker: %s", "resting in a pause" if resting else "awake")
            idle = self.rest_frames if resting else self.idle_frames
            room = max(0, (self.buffer if playing else idle) - queued)
            frames = room
            self.starving = False
            self._timeout = self.rest_tick_s if resting else self.tick
            if playing and renderer.turn_open:
                # Write only the audio there is while the server still has enough queued;
                # pad with silence (an underrun) only when it is about to run dry.
                if queued + available >= self.low_water:
                    frames = min(room, available)
                elif queued > self.last_call:
                    frames = available
                    self.starving = True
                    self._timeout = max(0.001, (queued - self.last_call) / self.rate)
            frames = min(frames, self._scratch.shape[0])
            if frames <= 0:
                return not self._stalled(now)
            self._progress_at = now
            block = self._scratch[:frames]
            # Stamp the reference as if handed at (play time - the stream's latency), so
            # the echo canceller lines it up with the microphone: libpulse's interpolated
            # latency is exact to the sample; our queue estimate is only within a refill.
            ahead = out.latency()
            if ahead is None:  # no timing from the server yet
                ahead = queued / self.rate + out.sink_latency()
            renderer.render(block, ahead - self.buffer_latency, now + ahead)
            start = out.written
            if self._anchor is None:
                self._anchor = (now, start)
            out.write(block)
            self._remember(start, block)
        return True

    def _in_pause(self, now: float) -> bool:
        """Nothing has played for ``rest_after_s`` (a cue or a pending answer counts)."""
        renderer = self.renderer
        if self._busy_at is None or renderer.active or renderer.will_play(renderer.available):
            self._busy_at = now
        return now - self._busy_at > self.rest_after_s

    def _reanchor(self) -> bool:
        """Re-anchor the queue estimate on the server's own figure; False without one."""
        out = self.output
        queued = out.queued_frames(timeout=0.02)
        if queued is None:
            return False
        self._anchor = (self.clock(), out.written - queued)  # only this thread writes
        return True

    def _stalled(self, now: float) -> bool:
        """True when the server has made no room for ``STALL_S`` (call with ``locked()``)."""
        if self._progress_at is None:
            self._progress_at = now
        if now - self._progress_at <= STALL_S:
            return False
        log.info("speaker stream stalled: the sound server took nothing for %.1f s", STALL_S)
        return True

    def _queued(self, now: float) -> int:
        """Frames the server still holds (call with ``locked()``): the larger of our
        clock's estimate (``_anchor``) and libpulse's (``writable_frames``, which only
        moves in the server's refill requests, but is right while the sink does not
        consume yet, e.g. while the server wakes an idle sink)."""
        out = self.output
        server = max(0, self.buffer - out.writable_frames())
        if self._anchor is None:
            return server
        t, written = self._anchor
        queued = out.written - written - int((now - t) * self.rate)
        if queued < 0:  # by our clock the server ran dry: it is empty now
            self._anchor = (now, out.written)
            queued = 0
        return max(queued, server)

    def _remember(self, start: int, mono: np.ndarray) -> None:
        """Keep what was written at stream index ``start`` (for a barge-in's fade)."""
        hist = self._history
        size = hist.shape[0]
        n = mono.shape[0]
        at = start % size
        first = min(n, size - at)
        hist[at : at + first] = mono[:first]
        hist[: n - first] = mono[first:]
        if mono.any():
            self._audio_end = start + n

    def _barge_in(self) -> None:
        """Overwrite what the server has queued with a fade of what is due, then silence."""
        out = self.output
        if not self.renderer.drop_cleared():  # nothing was playing: nothing to fade
            return
        queued = out.queued_frames(timeout=0.02)
        with out.locked():
            end = out.written
            ahead = out.latency() if queued is not None else None
            if ahead is not None and queued is not None:
                # libpulse says when the next frame written is heard: fade from the frame
                # heard a sink block (10 ms at least) from now, as an answer's start is
                # rewritten, never before the server's read position. Measured on
                # PulseAudio: heard silence p50 24.0 -> 13.7 ms (the README's audio section).
                first = max(end - queued, self._heard_soonest(end, ahead))
            else:
                # The server's read position moves in the sink's render blocks: rewrite
                # from a block past it, plus a margin (wider when the server did not
                # answer in time and only our own estimate is known). Measured: a margin
                # of 4 ms plus the sink's momentary lead cut the tone hard in about 1 of
                # 12 barge-ins.
                margin = _MARGIN_S + out.sink_block()
                if queued is None:
                    queued = self._queued(self.clock())
                    margin += _NO_TIMING_MARGIN_S
                first = end - queued + int(self.rate * margin)
            if first < end and end - first < self._history.shape[0] and first < self._audio_end:
                fade = self.renderer.fade
                n = min(fade.shape[0], end - first)
                idx = (first + np.arange(n)) % self._history.shape[0]
                tail = np.zeros(end - first, dtype=np.float32)
                tail[:n] = self._history[idx] * fade[:n]
                out.overwrite_tail(tail)
                self._remember(first, tail)
                self._audio_end = first + n
        self.last_clear_handled = self.clock()

    def _heard_soonest(self, end: int, ahead: float) -> int:
        """Stream index of the frame heard a sink block (10 ms at least) from now, given
        that the frame at ``end`` is heard ``ahead`` seconds from now (call with
        ``locked()``): the earliest a rewrite lands safely (barge-in, answer start)."""
        soonest = max(self.output.sink_block(), _START_AHEAD_S)
        return end - int(ahead * self.rate) + int(self.rate * soonest)

    def _start_early(self) -> None:
        """An answer starts while only idle silence is queued: overwrite that silence with
        the answer from a sink block past the server's read position (the server may
        already have taken up to a sink block beyond it), stamping the block with when it
        will be heard. Left as is when the server gives no timing, when it would move the
        answer up by less than ``_MIN_START_CUT_S``, or would overwrite the end of the
        previous answer."""
        out, renderer = self.output, self.renderer
        queued = out.queued_frames(timeout=0.02)
        if queued is None:
            return
        with out.locked():
            if not out.alive_locked():
                return
            end = out.written
            now = self.clock()
            ahead = out.latency()  # until the frame written next is heard
            if ahead is None:
                ahead = queued / self.rate + out.sink_latency()
            # Not before the server's read position, and heard a sink block from now at
            # the earliest (10 ms at least). Measured on PulseAudio: a sink block past
            # the read position (fresh queue figure) put the answer 15 ms from the
            # speaker at p50; with the margin taken on the heard time instead, 11 ms.
            # Rewrites 1-2 ms from the speaker (reached by the server rewinding its
            # sink) lost the answer's first 8 ms in 2 of 40 answers.
            first = max(
                end - queued,
                self._heard_soonest(end, ahead),
                self._audio_end,
            )
            if renderer.turn_open:  # more is coming: no silence in the middle of it
                first = max(first, end - renderer.available)
            cut = end - first
            if cut < int(self.rate * _MIN_START_CUT_S) or cut > self._scratch.shape[0]:
                return
            ahead -= cut / self.rate  # the block's first frame is heard this long before
            block = self._scratch[:cut]
            renderer.render(block, ahead - self.buffer_latency, now + ahead)
            out.overwrite_tail(block)
            self._remember(first, block)
            self.start_rewrites += 1
