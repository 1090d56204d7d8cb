"""Acoustic echo cancellation: WebRTC's audio processing module (via livekit) on 10 ms frames."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

from gemini_desk.audio.echo_gate import ResidualEchoGate, level_db
from gemini_desk.audio.echo_idle import EchoIdle, NearBypass, Step
from gemini_desk.audio.echo_options import APM_RATES, EchoOptions, apm_rate_for, module_delay
from gemini_desk.core.erle import ErleMeter
from gemini_desk.core.resampler import LOW_LATENCY, StreamResampler

__all__ = ["APM_RATES", "EchoCanceller", "EchoOptions", "apm_rate_for"]

_INT16 = 32768.0
# A stream's own sample count keeps its timeline; a stamp further off than this (a stall,
# a restart, a clock that drifted) moves the timeline to the stamp.
_REANCHOR_S = 0.05
# A far-end stamp this much earlier than the running timeline is a rewrite: the speaker
# replaced audio it had queued (libpulse's negative seek) from that time on. Above the
# stamps' jitter (libpulse's interpolated latency: well under 1 ms), below the shortest
# rewrite PulseWriter makes.
_REWRITE_S = 0.002
# Far-end frames this much older than the near end are stale (e.g. queued while muted):
# dropped rather than fed in a burst. AEC3's delay search reaches ~0.4 s (bench/aec_bench.py).
_STALE_S = 0.5
# Idle bypass (EchoOptions.idle_bypass): a far-end block peaking above this is loud.
_LOUD_PEAK = np.float32(10 ** (-60 / 20))


class _Framer:
    """Cuts a float32 stream into 10 ms int16 frames in a reused bytearray for the FFI."""

    def __init__(self, rate: int) -> None:
        from livekit import rtc  # imported lazily: a native library, ~150 ms to load

        self.n = rate // 100
        self.buf = bytearray(self.n * 2)
        self.pcm = np.frombuffer(self.buf, dtype=np.int16)  # a view, writes go to buf
        # AudioFrame keeps a bytearray as is (livekit/rtc/_utils.py
        # _ensure_compatible_buffer), and process_stream / process_reverse_stream pass
        # its address to the native module, which writes the result in place.
        self.frame = rtc.AudioFrame(self.buf, rate, 1, self.n)
        self._scaled = np.zeros(self.n, dtype=np.float32)

    def load(self, x: npt.NDArray[np.float32]) -> None:
        np.multiply(x, _INT16, out=self._scaled)
        np.clip(self._scaled, -_INT16, _INT16 - 1.0, out=self._scaled)
        np.copyto(self.pcm, self._scaled, casting="unsafe")

    def result(self, out: npt.NDArray[np.float32]) -> None:
        np.multiply(self.pcm, np.float32(1.0 / _INT16), out=out)


class EchoCanceller:
    """Removes the speaker's echo (and optionally noise) from the microphone signal.

    Two time-stamped inputs, both on one thread (the event loop's capture pump):

    - ``push_far(block, play_time)``: float32 mono at ``far_rate``, exactly what the
      speaker emitted; ``play_time`` is the ``time.monotonic()`` at which its first
      sample reaches the speaker.
    - ``process_near(block, capture_time)``: float32 mono at ``near_rate`` from the
      microphone; ``capture_time`` is when its first sample was captured. Returns the
      cleaned signal at ``rate`` (whole 10 ms frames only; the remainder waits).

    Both are resampled to ``rate`` (a native APM rate) and cut into 10 ms frames. Before
    each near-end frame captured at ``tc``, every far-end frame played before
    ``tc + lead_ms`` goes to ``process_reverse_stream``; that lead is reported to the
    module with ``set_stream_delay_ms`` (its docstring: the delay between
    ``process_reverse_stream()`` receiving a far-end frame and ``process_stream()``
    receiving the near-end frame with its echo). Alignment therefore follows the clocks,
    not call order, and does not drift when the two devices' clocks differ.

    ``stats()`` reports the CPU time spent in the module per near-end frame.
    """

    def __init__(
        self,
        near_rate: int,
        far_rate: int,
        options: EchoOptions | None = None,
        *,
        rate: int | None = None,
    ) -> None:
        from livekit import rtc

        self.options = options or EchoOptions()
        self.rate = rate or apm_rate_for(near_rate)
        if self.rate % 100:
            raise ValueError(f"processing rate must be a multiple of 100 Hz, got {self.rate}")
        self.near_rate = near_rate
        self.far_rate = far_rate
        self.frame_samples = self.rate // 100
        opts = self.options
        # livekit/rtc/apm.py: AudioProcessingModule(*, echo_cancellation,
        # noise_suppression, high_pass_filter, auto_gain_control), frames exactly 10 ms.
        self._apm = rtc.AudioProcessingModule(
            echo_cancellation=opts.echo_cancellation,
            noise_suppression=opts.noise_suppression,
            high_pass_filter=opts.high_pass_filter,
            auto_gain_control=opts.auto_gain_control,
        )
        self._near_rs = StreamResampler(near_rate, self.rate, LOW_LATENCY)
        self._far_rs = StreamResampler(far_rate, self.rate, LOW_LATENCY)
        self._near_framer = _Framer(self.rate)
        self._far_framer = _Framer(self.rate)
        n = self.frame_samples
        self._near_buf = np.zeros(0, dtype=np.float32)
        self._near_t = 0.0  # capture time of _near_buf[0]
        self._far_buf = np.zeros(0, dtype=np.float32)
        self._far_t = 0.0  # play time of _far_buf[0]
        self._far: deque[tuple[float, npt.NDArray[np.float32]]] = deque()
        self._max_far = max(1, int(opts.max_far_ms / 10))
        self._frame_s = n / self.rate
        self._lead_s = opts.lead_ms / 1000.0
        self._delay_ms = -1
        # Diagnostics.
        self.near_frames = 0
        self.far_frames = 0
        self.far_dropped = 0  # far-end frames discarded because no near-end came for them
        self.far_late = 0  # near-end frames processed while the reference lagged behind
        self.far_rewrites = 0  # times the speaker rewrote queued audio (stamp went back)
        self.far_rewound = 0  # queued far-end frames those rewrites replaced
        self.cpu_total_s = 0.0
        self.cpu_max_s = 0.0
        self._gate = ResidualEchoGate()  # after AEC3 (EchoOptions.echo_gate)
        self.bypassed_frames = 0  # near-end frames passed by while the far end was silent
        self.resumes = 0  # times the module was woken up for a loud far end
        self._idle = EchoIdle(opts.rest_after_s, self._lead_s, enabled=opts.bypass_allowed)
        self._bypass = NearBypass(n, delay=module_delay(self.rate))
        self._alt = np.zeros(n, dtype=np.float32)  # the other path's frame in a cross-fade
        self._zero_far = np.zeros(n, dtype=np.float32)
        self._skipped_far = 0  # far-end frames dropped while resting (since the last resume)
        self._skipped_near = 0
        self._cpu_recent = 0.0  # exponential average, seconds per near-end frame
        self.erle = ErleMeter()  # the echo reduction AEC3 achieves (before the gate)

    # -- far end ---------------------------------------------------------------------

    def push_far(self, block: npt.NDArray[Any], play_time: float) -> None:
        """Queue what the speaker emitted; ``play_time`` is when ``block[0]`` is heard."""
        x = self._far_rs.process(block)
        if x.shape[0] == 0:
            return
        expected = self._far_t + self._far_buf.shape[0] / self.rate
        if (self._far or self._far_buf.shape[0]) and expected - play_time > _REWRITE_S:
            self._rewind(play_time)
        elif self._far_buf.shape[0] == 0:
            self._far_t = play_time
        elif abs(expected - play_time) > _REANCHOR_S:
            # Keep the stream's own timeline unless the clocks disagree badly (a stream
            # restart, a stall): then trust the new stamp.
            self._far_t = play_time - self._far_buf.shape[0] / self.rate
        buf = np.concatenate((self._far_buf, x)) if self._far_buf.shape[0] else x
        if self._idle.enabled:  # from the start of the frame the block's first sample is in
            loud = bool(np.abs(x).max() > _LOUD_PEAK)
            self._idle.far(self._far_t, self._far_t + buf.shape[0] / self.rate, loud)
        n = self.frame_samples
        whole = buf.shape[0] // n * n
        for i in range(0, whole, n):
            self._far.append((self._far_t, buf[i : i + n].copy()))
            self._far_t += self._frame_s
        self._far_buf = buf[whole:].copy()
        while len(self._far) > self._max_far:
            self._far.popleft()
            self.far_dropped += 1

    def _rewind(self, play_time: float) -> None:
        """The speaker rewrote its queue from ``play_time``: forget the queued far end
        from there (what is still waiting for its near end; frames already handed to the
        module stay) and continue the timeline at ``play_time``, cut to the sample."""
        far, n = self._far, self.frame_samples
        kept: list[npt.NDArray[np.float32]] = [self._far_buf]
        while far and far[-1][0] + self._frame_s > play_time:
            t, frame = far.pop()
            kept.insert(0, frame)
            self._far_t = t
        pending = np.concatenate(kept)
        keep = max(0, min(pending.shape[0], round((play_time - self._far_t) * self.rate)))
        self._far_buf = pending[:keep].copy()
        if keep == 0:
            self._far_t = play_time
        self.far_rewound += (pending.shape[0] - keep) // n
        self.far_rewrites += 1

    # -- near end --------------------------------------------------------------------

    def process_near(self, block: npt.NDArray[Any], capture_time: float) -> npt.NDArray[np.float32]:
        """Clean microphone audio; returns float32 at ``rate`` (possibly empty)."""
        x = self._near_rs.process(block)
        if x.shape[0] == 0:
            return x
        held = self._near_buf.shape[0] / self.rate
        if held == 0.0 or abs(self._near_t + held - capture_time) > _REANCHOR_S:
            self._near_t = capture_time - held
        buf = np.concatenate((self._near_buf, x)) if self._near_buf.shape[0] else x
        n = self.frame_samples
        whole = buf.shape[0] // n * n
        out = np.empty(whole, dtype=np.float32)
        for i in range(0, whole, n):
            self._process_frame(buf[i : i + n], out[i : i + n], self._near_t)
            self._near_t += self._frame_s
        self._near_buf = buf[whole:].copy()
        return out

    def _process_frame(
        self, near: npt.NDArray[np.float32], out: npt.NDArray[np.float32], tc: float
    ) -> None:
        t0 = time.perf_counter()
        step = self._idle.near(tc)
        if step is Step.BYPASS:
            self._bypass.pass_through(near, out)
            self._skip_far(tc)
            self.bypassed_frames += 1
            self._count_cpu(time.perf_counter() - t0)
            return
        if step is Step.RESUME:
            self._warm_up()
            self.resumes += 1
        self._run_module(near, out, tc)
        if step is Step.RESUME:
            self._bypass.strip(near, self._alt)
            self._bypass.cross_fade(out, self._alt, rising=True)
        elif step is Step.SUSPEND:
            self._bypass.strip(near, self._alt)
            self._bypass.cross_fade(out, self._alt, rising=False)
        elif self._idle.enabled:  # the resting path is used only when the module may rest
            self._bypass.track(near)
        self._count_cpu(time.perf_counter() - t0)

    def _skip_far(self, tc: float) -> None:
        """Bypassed: the silent far end due by this frame is dropped, not fed."""
        far, horizon = self._far, tc + self._lead_s
        while far and far[0][0] <= horizon:
            far.popleft()
            self._skipped_far += 1
        self._skipped_near += 1

    def _warm_up(self) -> None:
        """Before the module runs again, it processes the last frames passed by (with a
        silent far end), so its filters' state matches the signal it resumes on. AEC3
        lines the two ends up by the order of calls: the far-end frames it is given
        keep the count skipped while resting, less the near-end frames skipped (one far
        frame more or fewer than that and the echo of the next answer's first 0.3 s
        leaked through at -35 dBFS in tests/integration/test_echo.py's rig)."""
        framer, apm = self._far_framer, self._apm
        delay = round(self.options.lead_ms)
        if delay != self._delay_ms:
            apm.set_stream_delay_ms(delay)
            self._delay_ms = delay
        frames = self._bypass.warm_frames()
        extra = self._skipped_far - self._skipped_near  # far frames owed (< 0: too many)
        self._skipped_far = self._skipped_near = 0
        framer.load(self._zero_far)
        for _ in range(extra):
            apm.process_reverse_stream(framer.frame)
        for i, frame in enumerate(frames):
            if i >= -extra:
                apm.process_reverse_stream(framer.frame)
            self._near_framer.load(frame)
            apm.process_stream(self._near_framer.frame)

    def _run_module(
        self, near: npt.NDArray[np.float32], out: npt.NDArray[np.float32], tc: float
    ) -> None:
        apm = self._apm
        opts = self.options
        if opts.echo_cancellation:
            horizon = tc + self._lead_s
            far, framer = self._far, self._far_framer
            while far and far[0][0] < tc - _STALE_S:
                far.popleft()
                self.far_dropped += 1
            while far and far[0][0] <= horizon:
                t_play, frame = far.popleft()
                framer.load(frame)
                far_db = level_db(frame)
                self.erle.far(t_play, far_db)
                if opts.echo_gate:
                    self._gate.far_frame(t_play, far_db)
                apm.process_reverse_stream(framer.frame)
                self.far_frames += 1
            if self.far_frames and not far:
                self.far_late += 1
            delay = round(opts.lead_ms)
            if delay != self._delay_ms:
                # apm.py: "must be called if and only if echo processing is enabled".
                apm.set_stream_delay_ms(delay)
                self._delay_ms = delay
        nf = self._near_framer
        nf.load(near)
        in_db = level_db(near)
        apm.process_stream(nf.frame)
        nf.result(out)
        if opts.echo_cancellation:
            self.erle.near(tc, in_db, level_db(out))
        if opts.echo_cancellation and opts.echo_gate:
            self._gate.apply(out, in_db, tc)

    def _count_cpu(self, dt: float) -> None:
        self.near_frames += 1
        self.cpu_total_s += dt
        if dt > self.cpu_max_s:
            self.cpu_max_s = dt
        self._cpu_recent = dt if self.near_frames == 1 else 0.98 * self._cpu_recent + 0.02 * dt

    @property
    def gated_frames(self) -> int:
        """Near-end frames the residual echo gate attenuated."""
        return self._gate.gated_frames

    @property
    def onset_gated_frames(self) -> int:
        """Of those, frames its onset guard attenuated (echo_gate.py)."""
        return self._gate.onset_gated_frames

    @property
    def coupling_db(self) -> float:
        """The echo's level at the microphone relative to the far end, as the gate
        learned it."""
        return self._gate.coupling_db

    # -- lifecycle and diagnostics ---------------------------------------------------

    def set_far_rate(self, far_rate: int) -> None:
        """The speaker was reopened at another rate: resample its reference from there."""
        if far_rate != self.far_rate:
            self.far_rate = far_rate
            self._far_rs = StreamResampler(far_rate, self.rate, LOW_LATENCY)
        self.reset_timeline()

    def reset_timeline(self) -> None:
        """Forget queued audio (after a stream restart); the adaptive filter is kept."""
        self._far.clear()
        self._gate.reset()
        self._far_buf = np.zeros(0, dtype=np.float32)
        self._near_buf = np.zeros(0, dtype=np.float32)
        self._idle.reset()
        self._skipped_far = self._skipped_near = 0
        self._near_rs.reset()
        self._far_rs.reset()

    @property
    def far_queued(self) -> int:
        """Far-end frames waiting for their near-end time."""
        return len(self._far)

    @property
    def far_head_time(self) -> float:
        """Play time of the newest queued far-end frame (0 when none)."""
        return self._far[-1][0] if self._far else 0.0

    def queued_far_times(self) -> list[float]:
        """Play times of the far-end frames waiting for their near end, oldest first."""
        return [t for t, _ in self._far]

    @property
    def cpu_us_per_frame(self) -> float:
        """Mean CPU time per 10 ms near-end frame (incl. its far-end frames), in µs."""
        return self.cpu_total_s / self.near_frames * 1e6 if self.near_frames else 0.0

    def stats(self) -> dict[str, Any]:
        o = self.options
        erle = self.erle.estimate()
        return {
            "rate": self.rate,
            "echo_cancellation": o.echo_cancellation,
            "noise_suppression": o.noise_suppression,
            "high_pass_filter": o.high_pass_filter,
            "auto_gain_control": o.auto_gain_control,
            "near_frames": self.near_frames,
            "far_frames": self.far_frames,
            "far_queued": len(self._far),
            "far_dropped": self.far_dropped,
            "far_late": self.far_late,
            "far_rewrites": self.far_rewrites,
            "gated_frames": self._gate.gated_frames,
            "onset_gated_frames": self._gate.onset_gated_frames,
            "bypassed_frames": self.bypassed_frames,
            "resumes": self.resumes,
            "coupling_db": self._gate.coupling_db,
            "delay_ms": max(self._delay_ms, 0),
            "cpu_us_mean": self.cpu_us_per_frame,
            "cpu_us_recent": self._cpu_recent * 1e6,
            "cpu_us_max": self.cpu_max_s * 1e6,
            "cpu_percent": self._cpu_recent / 0.01 * 100.0,  # of real time
            "echo_reduction_db": erle.reduction_db,  # None until measured
            "echo_far_frames": erle.far_frames,
            "echo_heard_frames": erle.echo_frames,
        }
