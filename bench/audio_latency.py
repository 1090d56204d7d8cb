"""Audio latency benchmark: gemini-desk's engine vs a baseline built like Google's quickstart.

Run from the repository root (needs pulseaudio, pipewire, pipewire-pulse, wireplumber,
pulseaudio-utils, libportaudio2 and libasound2-plugins; ``scripts/setup-env`` installs
them)::

    python -m bench.audio_latency    # ~12 minutes; --answer-seconds 20 --cpu-rounds 2 is quicker

Both engines talk to the local Live server (gemini_desk.sim, in a process of its own as
a real server would be: bench/sim_process.py) through the real google-genai SDK, and to a
private sound server with virtual devices (tests/support/pulse.py). Every measurement
runs on each sound server in turn: PulseAudio, then PipeWire's pulse server
(``--servers`` picks); each gets its own table, goals and JSON section.
The baseline follows the quickstart's documented parameters: 1024-frame (64 ms) blocking
reads at 16 kHz in a thread, an unbounded queue of received chunks, whole chunks written
with blocking writes, both streams at the device's default low latency (what PyAudio asks
PortAudio for), the queue dropped only on ``turn_complete`` (the sim sends it right after
``interrupted``, as the service does). Measured, per engine:

1. mic-to-wire: a chunk's first sample arriving in the input callback (baseline: the
   blocking read returning it) to the chunk being handed to ``send_realtime_input``; also
   the first sample's age (plus the block it waited in);
2. wire-to-speaker: the first sample of an answer's first chunk received (and fed) to
   that sample handed to the device (our output callback / the baseline's write), and
   to its onset in a recording of the speaker ("heard"); the old estimate, handed plus
   the stream's reported output latency, is kept as ``wire_to_speaker_estimated``;
3. interrupt-to-silence: ``interrupted`` received to the last non-silent sample handed
   to the device, and to the end of the last sample heard in the recording. The
   recording is put on time.monotonic() by two chirps whose play time libpulse reports
   (bench/heard_clock.py: gemini-desk plays them through its own speaker, the baseline,
   whose blocking writes report no play time, through a short-lived libpulse stream);
   ``anchor_drift_ms`` is the second chirp's residual against the first's clock and
   ``anchor_t0_error_ms`` how far parecord's connect time was from its first sample.
   The barge-in lands at a random point of the sim's 40 ms chunks (the same
   points for both engines), since a fixed delay after the answer starts would lock it
   to one phase of the baseline's chunk writes;
   gemini-desk's speaker on a sound server hands its fade by rewriting the tail it had
   queued there (audio/pulse_writer.py): the moment that rewrite is handed counts;
4. CPU seconds per minute of full-duplex streaming: this process (the benchmark's own
   reference tap is detached first, so it is not counted), and the
   same plus the sound server's CPU, summed over its processes (PipeWire's: pipewire,
   wireplumber, pipewire-pulse; whoever converts sample rates pays for it: both
   engines' microphones open at 16 kHz on the sound server's device, which converts, as
   does the baseline's 24 kHz speaker; gemini-desk's speaker resamples in-process).
   Measured in alternating segments (gemini-desk, baseline, baseline, gemini-desk, ...,
   ``--cpu-rounds`` x ``--cpu-seconds``) because this machine's speed drifts by tens of
   per cent over minutes: one long run per engine compared two different moments;
5. underruns and audible gaps (from a recording of the speaker) over a long answer
   delivered in bursts (sim pacing alternating 2x and 0.5x real time) and over an answer
   paced slower than real time; also the device's own underflows (the callback or the
   sound server fell behind: a too-small device buffer for a busy machine, not the
   jitter buffer running dry).

6. the same bursty answer again with ``--load`` CPU-bound processes beside it (default
   2, one per core here): underruns, gaps and the device's underflows under load.

Goals (issue 19's, as heard on the recording, on each sound server): interrupt ->
silence p50 <= 20 ms and <= 0.5x the baseline's; first answer sample -> heard p50
<= 15 ms; 0 underruns and 0 gaps in the bursty answer with and without the load; CPU
with the sound server counted <= the baseline's. Echo cancellation stays on throughout
(its own goals: bench/aec_bench.py and the echo end-to-end tests).
``--out-block-ms`` / ``--in-block-ms`` / ``--out-latency-ms`` / ``--in-latency-ms`` try
other block and buffer sizes for gemini-desk; ``--only NAME`` runs one engine (for a
profiler; no ratios). ``BENCH_THREADS=1`` prints each CPU segment's CPU per thread.

The last line printed is one JSON object with a section per sound server (keyed by
``pulseaudio`` / ``pipewire``), each with every figure and the ratios
gemini-desk/baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import heard_clock
from bench.sim_process import SimProcess
from gemini_desk.audio.capture import SEND_RATE, MicCapture
from gemini_desk.audio.playback import RECEIVE_RATE, SpeakerPlayback
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import INPUT_MIME, Endpoint, build_connect_config, make_client
from tests.support.pulse import SERVER_KINDS, PulseServer, pulse_server

DEVICE = "pulse"
TONE_HZ = 440.0
SILENT = 1e-4  # |sample| above this is "non-silent" (-80 dBFS)
BASELINE_READ = 1024  # frames per blocking read (64 ms at 16 kHz)
T = TypeVar("T")


def tone(seconds: float, rate: int = RECEIVE_RATE, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * 32767 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.int16)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _stat_cpu(stat: Path) -> tuple[str, float] | None:
    """(name, CPU seconds) from a /proc .../stat file, None if it is gone."""
    try:
        text = stat.read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return text[text.index("(") + 1 : text.rindex(")")], seconds


def threads_cpu() -> dict[tuple[int, str], float]:
    """CPU seconds of every thread of this process, keyed by (tid, name)."""
    out: dict[tuple[int, str], float] = {}
    for task in Path("/proc/self/task").iterdir():
        got = _stat_cpu(task / "stat")
        if got is not None:
            out[(int(task.name), got[0])] = got[1]
    return out


def pid_cpu(pid: int | None) -> float:
    """CPU seconds of another process (Linux /proc), 0 if unknown."""
    got = None if pid is None else _stat_cpu(Path(f"/proc/{pid}/stat"))
    return 0.0 if got is None else got[1]


def server_cpu(pulse: PulseServer) -> float:
    """CPU seconds of the sound server, summed over its processes (PipeWire runs
    several)."""
    return sum(pid_cpu(pid) for pid in pulse.pids)


def process_cpu() -> float:
    t = os.times()
    return t.user + t.system


def count_gaps(recorded: np.ndarray, rate: int, frame_s: float = 0.01) -> tuple[int, float]:
    """Silent runs inside the span where the tone plays: (count, total seconds)."""
    n = int(rate * frame_s)
    frames = recorded[: len(recorded) // n * n].reshape(-1, n)
    loud = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) > 0.02
    idx = np.flatnonzero(loud)
    if idx.size == 0:
        return 0, 0.0
    inner = loud[idx[0] : idx[-1] + 1]
    starts = np.flatnonzero(np.diff(inner.astype(np.int8)) == -1)
    return int(starts.size), float((~inner).sum() * frame_s)


@dataclass
class Figures:
    mic_arrival_ms: list[float] = field(default_factory=list)  # arrival -> sent
    mic_age_ms: list[float] = field(default_factory=list)  # + the block it waited in
    wire_ms: list[float] = field(default_factory=list)  # first chunk recv -> handed
    interrupt_ms: list[float] = field(default_factory=list)  # interrupted -> last handed
    heard_ms: list[float] = field(default_factory=list)  # interrupted -> tone stops (recorded)
    answer_heard_ms: list[float] = field(default_factory=list)  # first chunk fed -> heard
    anchor_drift_ms: float = float("nan")  # end marker minus where the start one puts it
    anchor_t0_error_ms: float = float("nan")  # recording start minus parecord's connect
    anchor_corr: float = float("nan")  # the weakest marker's normalised correlation
    anchor_local_max_ms: float = float("nan")  # largest trial anchor off the run's clock
    output_latency_ms: float = 0.0
    input_latency_ms: float = 0.0
    cpu_s_per_min: float = 0.0
    cpu_with_server_s_per_min: float = 0.0  # plus the sound server's CPU
    burst_underruns: int = 0
    burst_device_underflows: int = 0  # PortAudio's output-underflow flag (callback too late)
    burst_gaps: int = 0
    burst_gap_s: float = 0.0
    slow_underruns: int = 0
    slow_gaps: int = 0
    slow_gap_s: float = 0.0
    loaded_underruns: int = 0  # the bursty answer again, CPU burners beside it
    loaded_device_underflows: int = 0
    loaded_gaps: int = 0
    loaded_gap_s: float = 0.0
    dropped_samples: int = 0


class Engine:
    """What both engines provide to the driver."""

    name = ""
    figures: Figures

    async def start(self, send: Callable[[bytes, float], None]) -> None: ...
    async def stop(self) -> None: ...
    def on_audio(self, pcm: bytes, t_recv: float) -> None: ...
    def on_interrupted(self, t: float) -> None: ...
    def on_generation_complete(self) -> None: ...
    def on_turn_complete(self) -> None: ...
    def underruns(self) -> int:
        return 0

    def device_underflows(self) -> int:
        return 0

    def measuring_done(self) -> None: ...
    def measure_interrupt(self, t_int: float) -> float | None:
        return None

    def measure_first_chunk(self, t_recv: float, pos: int | None = None) -> float | None:
        return None

    def playing(self) -> bool:
        return False

    async def play_marker(self, marker: np.ndarray) -> float:
        """Play ``marker``; return its first sample's play time (libpulse's report)."""
        raise NotImplementedError


class DeskEngine(Engine):
    """gemini-desk: MicCapture + SpeakerPlayback (jitter buffer, barge-in; libpulse on
    the sound server's device)."""

    name = "gemini-desk"

    def __init__(
        self,
        out_block_ms: int | None = None,
        in_block_ms: int | None = None,
        out_latency_ms: float | None = None,
        in_latency_ms: float | None = None,
        out_backend: str = "auto",
        pulse_buffer_ms: float | None = None,
    ) -> None:
        self.figures = Figures()
        self.out_backend = out_backend
        self.pulse_buffer_ms = pulse_buffer_ms
        self.clock: heard_clock.ClockStream | None = None  # PortAudio speaker: chirps there
        self.out_block_ms = out_block_ms
        self.in_block_ms = in_block_ms
        self.out_latency_ms = out_latency_ms
        self.in_latency_ms = in_latency_ms
        self.tap = ReferenceTap(44100, seconds=2.0, max_blocks=40000)
        self._emitted: list[np.ndarray] = []  # everything the output callback emitted
        self._drainer: asyncio.Task[None] | None = None
        self.mic: MicCapture | None = None
        self.speaker: SpeakerPlayback | None = None
        self._first_pos: int | None = None
        self._switch_interval = sys.getswitchinterval()

    async def start(self, send: Callable[[bytes, float], None]) -> None:
        loop = asyncio.get_running_loop()

        def on_chunk(pcm: bytes) -> None:
            assert self.mic is not None
            arrival = self.mic.last_chunk_arrival
            now = time.monotonic()
            self.figures.mic_arrival_ms.append((now - arrival) * 1000)
            self.figures.mic_age_ms.append((now - arrival) * 1000 + self.mic.block_ms)
            send(pcm, now)

        out_kw: dict[str, Any] = {"backend": self.out_backend}
        if self.pulse_buffer_ms is not None:
            out_kw["pulse_buffer_ms"] = self.pulse_buffer_ms
        in_kw: dict[str, Any] = {}
        if self.out_block_ms is not None:
            out_kw["block_ms"] = self.out_block_ms
        if self.in_block_ms is not None:
            in_kw["block_ms"] = self.in_block_ms
        if self.out_latency_ms is not None:
            out_kw["latency"] = self.out_latency_ms / 1000
        if self.in_latency_ms is not None:
            in_kw["latency"] = self.in_latency_ms / 1000
        self.speaker = SpeakerPlayback(device=DEVICE, reference=self.tap, **out_kw)
        self.speaker.start()
        self.mic = MicCapture(loop, on_chunk, device=DEVICE, **in_kw)
        self.mic.start()
        # An answer starts behind what is queued while idle (libpulse) or the stream's
        # output latency (PortAudio).
        self.figures.output_latency_ms = self.speaker.idle_latency * 1000
        self.figures.input_latency_ms = self.mic.input_latency * 1000
        self._drainer = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        """The tap's consumer: keep every emitted sample (the stamps index into them)."""
        buf = np.zeros(8192, np.float32)
        while True:
            while (n := self.tap.samples.read_into(buf)) > 0:
                self._emitted.append(buf[:n].copy())
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
        for s in (self.mic, self.speaker):
            if s is not None:
                s.stop()
        if self.speaker is not None:
            self.figures.dropped_samples = self.speaker.dropped_samples
        # The streams lowered the interpreter's switch interval (audio/realtime.py): part
        # of this engine, so the baseline that runs next gets CPython's default back.
        sys.setswitchinterval(self._switch_interval)

    def on_audio(self, pcm: bytes, t_recv: float) -> None:
        assert self.speaker is not None
        self.speaker.feed(pcm)
        if self._first_pos is None:
            self._first_pos = self.speaker.last_feed_pos

    def on_interrupted(self, t: float) -> None:
        assert self.speaker is not None
        self.speaker.clear()

    def on_generation_complete(self) -> None:
        # As the app's Conversation does: the answer's audio is complete.
        assert self.speaker is not None
        self.speaker.end_turn()

    def on_turn_complete(self) -> None:
        assert self.speaker is not None
        self.speaker.end_turn()
        self._first_pos = None

    def underruns(self) -> int:
        return self.speaker.underruns if self.speaker else 0

    def device_underflows(self) -> int:
        return self.speaker.output_underflows if self.speaker else 0

    def measuring_done(self) -> None:
        """The interrupt figures are taken: detach the benchmark's tap and its drainer, so
        the CPU figure is the engine's, not this script's bookkeeping."""
        if self._drainer is not None:
            self._drainer.cancel()
            self._drainer = None
        if self.speaker is not None:
            self.speaker.reference = None
        if self.clock is not None:
            self.clock.close()
            self.clock = None

    def playing(self) -> bool:
        return bool(self.speaker and self.speaker.is_playing)

    async def play_marker(self, marker: np.ndarray) -> float:
        """Through this engine's own speaker: its tap's blocks carry libpulse's play time
        (on PortAudio's speaker, whose blocks carry no play time, through a clock stream
        as for the baseline)."""
        assert self.speaker is not None
        if self.speaker.backend != "pulse":
            if self.clock is None:
                self.clock = heard_clock.ClockStream(DEVICE)
            return await self.clock.play(marker)
        return await heard_clock.play_on_tap(self.speaker, self.tap, self._emitted, marker)

    def _blocks(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        st = self.tap.stamps()
        buf = np.zeros(8192, np.float32)
        while (n := self.tap.samples.read_into(buf)) > 0:
            self._emitted.append(buf[:n].copy())
        emitted = np.concatenate(self._emitted) if self._emitted else np.zeros(0, np.float32)
        peaks = np.zeros(len(st["t"]))
        for i, (start, n) in enumerate(zip(st["start"], st["frames"], strict=True)):
            block = emitted[start : start + n]
            peaks[i] = float(np.abs(block).max()) if block.size else np.nan
        return st, peaks

    def measure_interrupt(self, t_int: float) -> float | None:
        st, peaks = self._blocks()
        # The pulse backend hands its fade by rewriting the queued tail, outside the
        # blocks it renders: that moment counts as the last non-silent sample handed.
        handled = self.speaker.last_clear_handled if self.speaker else None
        fade = (handled - t_int) * 1000 if handled is not None and handled >= t_int else 0.0
        # Blocks are stamped with (play time - output latency) on the pulse backend and
        # with the callback's time on PortAudio's; either way, when they were handed.
        after = (st["t"] >= t_int) & (peaks > SILENT)
        if not after.any():
            return fade  # already silent at the first block after the signal
        return max(fade, float(st["t"][after].max() - t_int) * 1000)

    def measure_first_chunk(self, t_recv: float, pos: int | None = None) -> float | None:
        played = self.speaker.last_first_sample_time if self.speaker else None
        return None if played is None else (played - t_recv) * 1000


class BaselineEngine(Engine):
    """Built to the quickstart's documented parameters (see the module docstring)."""

    name = "baseline"

    def __init__(self) -> None:
        import sounddevice as sd

        self.sd = sd
        self.figures = Figures()
        self.queue: asyncio.Queue[tuple[bytes, float] | None] = asyncio.Queue()  # unbounded
        self.writes: list[tuple[float, float, bool, float]] = []  # start, end, loud, recv
        self.underflows = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._running = False
        self._busy = False
        self.clock: heard_clock.ClockStream | None = None

    async def start(self, send: Callable[[bytes, float], None]) -> None:
        sd = self.sd
        # PyAudio (which the quickstart uses) opens every stream at the device's default
        # *low* latency and leaves the output's buffer size to PortAudio.
        self.out = sd.RawOutputStream(
            device=DEVICE, samplerate=RECEIVE_RATE, channels=1, dtype="int16", latency="low"
        )
        self.inp = sd.RawInputStream(
            device=DEVICE,
            samplerate=SEND_RATE,
            channels=1,
            dtype="int16",
            blocksize=BASELINE_READ,
            latency="low",
        )
        self.out.start()
        self.inp.start()
        self.figures.output_latency_ms = float(self.out.latency) * 1000
        self.figures.input_latency_ms = float(self.inp.latency) * 1000
        self._running = True
        self._tasks = [asyncio.create_task(self._listen(send)), asyncio.create_task(self._play())]

    async def _listen(self, send: Callable[[bytes, float], None]) -> None:
        while self._running:
            data, _ = await asyncio.to_thread(self.inp.read, BASELINE_READ)
            arrival = time.monotonic()
            await asyncio.sleep(0)  # the quickstart's out_queue hop
            now = time.monotonic()
            self.figures.mic_arrival_ms.append((now - arrival) * 1000)
            block_ms = BASELINE_READ / SEND_RATE * 1000
            self.figures.mic_age_ms.append((now - arrival) * 1000 + block_ms)
            send(bytes(data), now)

    async def _play(self) -> None:
        while self._running:
            item = await self.queue.get()
            if item is None:  # stop()
                break
            pcm, t_recv = item
            self._busy = True
            loud = bool(np.abs(np.frombuffer(pcm, "<i2")).max(initial=0) > 3)
            start = time.monotonic()
            underflowed = await asyncio.to_thread(self.out.write, pcm)
            self.underflows += int(bool(underflowed))
            self.writes.append((start, time.monotonic(), loud, t_recv))
            self._busy = not self.queue.empty()

    async def stop(self) -> None:
        # Let the blocking read/write in flight return before closing the streams:
        # closing a stream under a thread still inside it crashes libpulse (abort).
        self._running = False
        self.queue.put_nowait(None)
        await asyncio.wait(self._tasks, timeout=3.0)
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for s in (self.inp, self.out):
            s.stop(ignore_errors=True)
            s.close(ignore_errors=True)

    async def play_marker(self, marker: np.ndarray) -> float:
        """Through one clock stream kept open from the first chirp to the last."""
        if self.clock is None:
            self.clock = heard_clock.ClockStream(DEVICE)
        return await self.clock.play(marker)

    def measuring_done(self) -> None:
        if self.clock is not None:
            self.clock.close()
            self.clock = None

    def on_audio(self, pcm: bytes, t_recv: float) -> None:
        self.queue.put_nowait((pcm, t_recv))

    def on_turn_complete(self) -> None:
        while not self.queue.empty():  # the quickstart drops queued audio here only
            self.queue.get_nowait()

    def underruns(self) -> int:
        return self.underflows

    def playing(self) -> bool:
        return self._busy or not self.queue.empty()

    def measure_interrupt(self, t_int: float) -> float | None:
        ends = [end for start, end, loud, _ in self.writes if loud and end >= t_int]
        return (max(ends) - t_int) * 1000 if ends else 0.0

    def measure_first_chunk(self, t_recv: float, pos: int | None = None) -> float | None:
        for start, _, _, recv in self.writes:
            if recv == t_recv:
                return (start - t_recv) * 1000
        return None


class Driver:
    """One connection to the sim for one engine; runs the scenarios."""

    def __init__(self, engine: Engine, sim: SimProcess, pulse: PulseServer) -> None:
        self.engine = engine
        self.sim = sim
        self.pulse = pulse
        self.session: Any = None
        self.interrupted_at: float | None = None
        self.turn_done = asyncio.Event()
        self.first_recv: float | None = None
        self.first_pos: int | None = None
        self.answer_audio = 0
        self._sends: asyncio.Queue[bytes] = asyncio.Queue()

    def send(self, pcm: bytes, t: float) -> None:
        self._sends.put_nowait(pcm)

    async def _sender(self) -> None:
        while True:
            await self._send_chunk(await self._sends.get())

    async def _send_chunk(self, pcm: bytes) -> None:
        from google.genai import types

        await self.session.send_realtime_input(audio=types.Blob(data=pcm, mime_type=INPUT_MIME))

    async def _receiver(self) -> None:
        while True:
            async for msg in self.session.receive():
                sc = msg.server_content
                now = time.monotonic()
                data = msg.data
                if data:
                    if self.first_recv is None:
                        self.first_recv = now
                    self.answer_audio += len(data)
                    self.engine.on_audio(data, now)
                if sc is not None and sc.interrupted:
                    self.interrupted_at = now
                    self.engine.on_interrupted(now)
                if sc is not None and sc.generation_complete:
                    self.engine.on_generation_complete()
                if sc is not None and sc.turn_complete:
                    self.engine.on_turn_complete()
                    self.turn_done.set()

    async def ask(self, audio: np.ndarray, text: str = "go") -> None:
        """Start an answer with ``audio`` as the reply."""
        self.sim.queue_reply("answer", audio=audio)
        self.turn_done.clear()
        self.first_recv = None
        self.first_pos = None
        self.interrupted_at = None
        self.answer_audio = 0
        await self.session.send_realtime_input(text=text)

    async def until(self, cond: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError("benchmark step timed out")
            await asyncio.sleep(0.01)

    @contextlib.asynccontextmanager
    async def _connected(self) -> AsyncIterator[Any]:
        """A session to the sim with the engine started and its streams flowing."""
        sim = self.sim
        client = make_client(
            Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
        )
        settings = Settings()
        async with client.aio.live.connect(
            model=settings.model, config=build_connect_config(settings)
        ) as session:
            self.session = session
            tasks = [asyncio.create_task(self._sender()), asyncio.create_task(self._receiver())]
            try:
                await self.engine.start(self.send)
                await asyncio.sleep(2.5)  # PortAudio's start-up stall on ALSA 'pulse'
                sim.set_pacing("normal")
                yield session
            finally:
                await self.engine.stop()
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                sim.set_pacing("normal")

    async def run(self, answer_s: float, interrupts: int, slow_s: float, load: int) -> Figures:
        f = self.engine.figures
        async with self._connected() as session:
            f.mic_arrival_ms.clear()
            f.mic_age_ms.clear()
            # (2) + (3): short answers, each interrupted after ~1 s of playback.
            rec = self.pulse.start_recording(rate=RECEIVE_RATE)
            rec_t0 = time.monotonic()
            # The recording's clock: a chirp whose play time libpulse reports, before the
            # trials and a reversed one after them (bench/heard_clock.py).
            t_first = await self.engine.play_marker(heard_clock.chirp(rising=True))
            await asyncio.sleep(0.3)
            t_ints: list[float] = []
            t_feeds: list[float] = []
            # Barge in at a different point of a chunk each time (the same points for
            # both engines): a fixed 1.0 s would lock the interrupt to the sim's 40 ms
            # chunk grid and bias both engines' figures.
            offsets = np.random.default_rng(4).uniform(0.0, 0.04, interrupts)
            t_chirps: list[float] = []
            for offset in offsets:
                # Each trial's own clock anchor (heard_clock.local_clock says why).
                t_chirps.append(await self.engine.play_marker(heard_clock.chirp(rising=True)))
                await asyncio.sleep(0.15)
                await self.ask(tone(4.0))
                await self.until(lambda: self.first_recv is not None, 10)
                t_recv, pos = self.first_recv, self.first_pos
                await asyncio.sleep(1.0 + float(offset))
                assert t_recv is not None
                t_feeds.append(t_recv)  # the driver feeds the engine as it receives
                w = self.engine.measure_first_chunk(t_recv, pos)
                if w is not None:
                    f.wire_ms.append(w)
                self.sim.queue_reply("silence", audio=np.zeros(2400, np.int16))
                self.turn_done.clear()
                await session.send_realtime_input(text="stop")  # barge in
                await self.until(lambda: self.interrupted_at is not None, 10)
                t_int = self.interrupted_at
                assert t_int is not None
                t_ints.append(t_int)
                await asyncio.sleep(0.6)
                d = self.engine.measure_interrupt(t_int)
                if d is not None:
                    f.interrupt_ms.append(d)
                await self.until(lambda: not self.engine.playing(), 10)
                await asyncio.sleep(0.3)
            t_last = await self.engine.play_marker(heard_clock.chirp(rising=False))
            await asyncio.sleep(0.2)
            recorded = rec.stop()
            # The run's first chirp, searched before the trials' own (the same chirp).
            before = int(((t_first + t_chirps[0]) / 2 - rec_t0) * RECEIVE_RATE)
            first = heard_clock.anchor(recorded[:before], heard_clock.chirp(rising=True), t_first)
            last = heard_clock.anchor(recorded, heard_clock.chirp(rising=False), t_last)
            clock = heard_clock.RecordingClock(first, last, RECEIVE_RATE, rec_t0)
            f.anchor_drift_ms, f.anchor_t0_error_ms = clock.drift_ms, clock.t0_error_ms
            chirp = heard_clock.chirp(rising=True)
            local = [first] + [heard_clock.anchor_near(recorded, chirp, t, clock) for t in t_chirps]
            # How far each trial's anchor is from the whole-run clock: the non-uniformity
            # the local anchors keep out of the figures.
            f.anchor_local_max_ms = (
                max(abs(clock.time(a.index) - a.t) * 1000 for a in local[1:])
                if len(local) > 1
                else float("nan")
            )
            f.anchor_corr = min(a.corr for a in [*local, last])

            def at(t: float) -> heard_clock.RecordingClock:
                return heard_clock.local_clock(local, t, RECEIVE_RATE, rec_t0)

            f.heard_ms = [heard_clock.silence_ms(recorded, at(t), t) for t in t_ints]
            f.answer_heard_ms = [heard_clock.onset_ms(recorded, at(t), t) for t in t_feeds]
            self.engine.measuring_done()
            # (5): a long answer in bursts, full duplex (the mic streams too).
            f.burst_underruns, f.burst_gaps, f.burst_gap_s, _ = await self._long_answer(
                answer_s, bursty=True
            )
            f.slow_underruns, f.slow_gaps, f.slow_gap_s, _ = await self._long_answer(
                slow_s, bursty=False
            )
            if load > 0:
                flows0 = f.burst_device_underflows
                with cpu_burners(load):
                    f.loaded_underruns, f.loaded_gaps, f.loaded_gap_s, _ = await self._long_answer(
                        answer_s, bursty=True
                    )
                f.loaded_device_underflows = f.burst_device_underflows
                f.burst_device_underflows = flows0
        return f

    async def cpu_segment(self, seconds: float) -> tuple[float, float]:
        """(4): CPU seconds of this process (minus the sim's thread) and of the sound
        server over a full-duplex answer of ``seconds`` delivered in bursts."""
        async with self._connected():
            self.engine.measuring_done()
            server0 = server_cpu(self.pulse)
            *_, cpu = await self._long_answer(seconds, bursty=True)
            return cpu, server_cpu(self.pulse) - server0

    async def _long_answer(self, seconds: float, bursty: bool) -> tuple[int, int, float, float]:
        sim = self.sim
        rec = self.pulse.start_recording(rate=RECEIVE_RATE)
        under0, flows0 = self.engine.underruns(), self.engine.device_underflows()
        cpu0 = process_cpu()
        per0 = threads_cpu()
        sim.set_pacing("normal" if bursty else "slow")
        stop = threading.Event()

        def pace() -> None:  # 2x real time for 1 s, then 0.5x for 1 s, and so on
            fast = True
            while not stop.wait(1.0):
                fast = not fast
                sim.set_pacing("normal" if fast else "slow")

        pacer = threading.Thread(target=pace, daemon=True)
        if bursty:
            pacer.start()
        try:
            await self.ask(tone(seconds))
            await self.until(lambda: self.first_recv is not None, 10)
            await self.until(lambda: self.turn_done.is_set(), seconds * 3 + 20)
            await self.until(lambda: not self.engine.playing(), seconds + 10)
            await asyncio.sleep(0.3)
        finally:
            stop.set()
            if bursty:
                pacer.join()
            sim.set_pacing("normal")
            cpu = process_cpu() - cpu0
            if os.environ.get("BENCH_THREADS"):
                per1 = threads_cpu()
                for key in sorted(per1, key=lambda k: -(per1[k] - per0.get(k, 0.0))):
                    d = per1[key] - per0.get(key, 0.0)
                    if d > 0:
                        print(f"  thread {key[1]:16s} {key[0]:7d} {d:6.2f} s", file=sys.stderr)
            recorded = rec.stop()
        gaps, gap_s = count_gaps(recorded, RECEIVE_RATE)
        if bursty:
            self.engine.figures.burst_device_underflows = self.engine.device_underflows() - flows0
        return self.engine.underruns() - under0, gaps, gap_s, cpu


@contextlib.contextmanager
def cpu_burners(n: int) -> Iterator[None]:
    """``n`` processes that each keep a core busy (plain Python loops, the scheduler's
    default priority), for the under-load figures."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(10)


def alternating(items: list[T], rounds: int) -> Iterator[tuple[int, T]]:
    """(round, item) in ABBA order: this machine's speed drifts by tens of per cent over
    minutes, so segments taken one engine after the other would compare two moments."""
    for r in range(rounds):
        for item in items if r % 2 == 0 else items[::-1]:
            yield r, item


def summarize(name: str, f: Figures) -> dict[str, Any]:
    return {
        "mic_to_wire_p50_ms": pct(f.mic_arrival_ms, 50),
        "mic_to_wire_p99_ms": pct(f.mic_arrival_ms, 99),
        "mic_first_sample_age_p99_ms": pct(f.mic_age_ms, 99),
        "wire_to_speaker_p50_ms": pct(f.wire_ms, 50),
        "wire_to_speaker_estimated_p50_ms": pct(f.wire_ms, 50) + f.output_latency_ms,
        "wire_to_speaker_heard_p50_ms": pct(f.answer_heard_ms, 50),
        "wire_to_speaker_heard_max_ms": max(f.answer_heard_ms, default=float("nan")),
        "interrupt_to_silence_p50_ms": pct(f.interrupt_ms, 50),
        "interrupt_to_silence_max_ms": max(f.interrupt_ms) if f.interrupt_ms else float("nan"),
        "interrupt_to_silence_heard_p50_ms": pct(f.heard_ms, 50),
        "interrupt_to_silence_heard_max_ms": max(f.heard_ms) if f.heard_ms else float("nan"),
        "output_latency_ms": f.output_latency_ms,
        "input_latency_ms": f.input_latency_ms,
        "cpu_s_per_min": f.cpu_s_per_min,
        "cpu_with_server_s_per_min": f.cpu_with_server_s_per_min,
        "burst_underruns": f.burst_underruns,
        "burst_gaps": f.burst_gaps,
        "burst_device_underflows": f.burst_device_underflows,
        "slow_underruns": f.slow_underruns,
        "slow_gaps": f.slow_gaps,
        "slow_gap_s": f.slow_gap_s,
        "loaded_underruns": f.loaded_underruns,
        "loaded_gaps": f.loaded_gaps,
        "loaded_device_underflows": f.loaded_device_underflows,
        "dropped_samples": f.dropped_samples,
        "n_interrupts": len(f.interrupt_ms),
        "anchor_drift_ms": f.anchor_drift_ms,
        "anchor_t0_error_ms": f.anchor_t0_error_ms,
        "anchor_corr": f.anchor_corr,
        "anchor_local_max_ms": f.anchor_local_max_ms,
        "n_mic_chunks": len(f.mic_arrival_ms),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--answer-seconds",
        type=float,
        default=60.0,
        help="length of the long answer delivered in bursts (default 60)",
    )
    ap.add_argument(
        "--slow-seconds",
        type=float,
        default=4.0,
        help="length of the answer paced at half real time (default 4)",
    )
    ap.add_argument(
        "--interrupts",
        type=int,
        default=10,
        help="answers interrupted after ~1 s of playback (default 10)",
    )
    ap.add_argument(
        "--out-block-ms",
        type=int,
        default=None,
        help="gemini-desk's output block (default: SpeakerPlayback's)",
    )
    ap.add_argument(
        "--in-block-ms",
        type=int,
        default=None,
        help="gemini-desk's input block (default: MicCapture's)",
    )
    ap.add_argument(
        "--out-latency-ms",
        type=float,
        default=None,
        help="gemini-desk's output buffer (default: SpeakerPlayback's)",
    )
    ap.add_argument(
        "--in-latency-ms",
        type=float,
        default=None,
        help="gemini-desk's input buffer (default: MicCapture's)",
    )
    ap.add_argument(
        "--cpu-rounds",
        type=int,
        default=4,
        help="CPU segments per engine, alternating engines (default 4)",
    )
    ap.add_argument(
        "--cpu-seconds",
        type=float,
        default=15.0,
        help="length of each CPU segment's answer (default 15)",
    )
    ap.add_argument(
        "--out-backend",
        choices=("auto", "pulse", "portaudio"),
        default="auto",
        help="gemini-desk's speaker path on the sound server (default: libpulse)",
    )
    ap.add_argument(
        "--pulse-buffer-ms",
        type=float,
        default=None,
        help="gemini-desk's libpulse server buffer while playing (default: SpeakerPlayback's)",
    )
    ap.add_argument(
        "--load",
        type=int,
        default=2,
        help="CPU-bound processes beside the bursty answer's second run (default 2; 0 skips it)",
    )
    ap.add_argument(
        "--servers",
        nargs="+",
        choices=SERVER_KINDS,
        default=list(SERVER_KINDS),
        help="sound servers to measure on, in turn (default: all of them)",
    )
    ap.add_argument(
        "--only",
        choices=("gemini-desk", "baseline"),
        default=None,
        help="run one engine alone (for profiling; prints no ratios)",
    )
    args = ap.parse_args(argv)

    def make(name: str) -> Engine:
        if name == "baseline":
            return BaselineEngine()
        return DeskEngine(
            args.out_block_ms,
            args.in_block_ms,
            args.out_latency_ms,
            args.in_latency_ms,
            args.out_backend,
            args.pulse_buffer_ms,
        )

    names = [args.only] if args.only else ["gemini-desk", "baseline"]
    sections: dict[str, Any] = {}
    with SimProcess() as sim:
        for kind in args.servers:
            figures = measure(kind, sim, names, make, args)
            results = {name: summarize(name, f) for name, f in figures.items()}
            sections[kind] = results if args.only else report(kind, results)
    print(json.dumps(_clean(sections)))
    return 0


def measure(
    kind: str,
    sim: SimProcess,
    names: list[str],
    make: Callable[[str], Engine],
    args: argparse.Namespace,
) -> dict[str, Figures]:
    """Every figure of ``names`` on a private sound server of ``kind``."""
    figures: dict[str, Figures] = {}
    with pulse_server(kind) as pulse:
        for name in names:
            print(f"[{kind}] running {name} ...", file=sys.stderr, flush=True)
            figures[name] = asyncio.run(
                Driver(make(name), sim, pulse).run(
                    args.answer_seconds, args.interrupts, args.slow_seconds, args.load
                )
            )
        # CPU in alternating segments (ABBA...; see alternating()).
        cpu = {name: [0.0, 0.0] for name in names}
        for r, name in alternating(names, args.cpu_rounds):
            print(
                f"[{kind}] cpu segment {r + 1}/{args.cpu_rounds}: {name} ...",
                file=sys.stderr,
                flush=True,
            )
            own, server = asyncio.run(Driver(make(name), sim, pulse).cpu_segment(args.cpu_seconds))
            cpu[name][0] += own
            cpu[name][1] += server
        for name in names:
            total_s = args.cpu_rounds * args.cpu_seconds
            figures[name].cpu_s_per_min = cpu[name][0] / total_s * 60
            figures[name].cpu_with_server_s_per_min = sum(cpu[name]) / total_s * 60
    return figures


def report(kind: str, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Print one sound server's table and goals; return its JSON section."""
    ours, base = results["gemini-desk"], results["baseline"]
    ratios = {}
    for key, value in ours.items():
        b = base[key]
        if key.startswith("anchor_"):  # the clock's own check, not a comparison
            continue
        if isinstance(value, float) and isinstance(b, float) and b > 0 and np.isfinite(value):
            ratios[key] = value / b
    # The goal lines are as heard, on a recording of the speaker (issue 19); the figures
    # at hand-over are printed beside them.
    burst, loaded = ("burst_underruns", "burst_gaps"), ("loaded_underruns", "loaded_gaps")
    goals = {
        "interrupt_heard_p50_under_20ms": ours["interrupt_to_silence_heard_p50_ms"] <= 20.0,
        "interrupt_heard_half_the_baseline": (
            ratios.get("interrupt_to_silence_heard_p50_ms", 1.0) <= 0.5
        ),
        "answer_start_heard_p50_under_15ms": ours["wire_to_speaker_heard_p50_ms"] <= 15.0,
        "no_underruns_or_gaps_in_bursts": all(ours[k] == 0 for k in burst),
        "no_underruns_or_gaps_under_load": all(ours[k] == 0 for k in loaded),
        "cpu_with_server_not_higher": (
            ours["cpu_with_server_s_per_min"] <= base["cpu_with_server_s_per_min"]
        ),
    }
    print(f"sound server: {kind}")
    print(f"{'metric':38s} {'gemini-desk':>12s} {'baseline':>12s} {'ratio':>8s}")
    for key in ours:
        ratio = ratios.get(key)
        shown = "" if ratio is None else f"{ratio:8.3f}"
        print(f"{key:38s} {ours[key]:12.2f} {base[key]:12.2f} {shown}")
    for goal, ok in goals.items():
        print(f"goal {goal:33s} {'met' if ok else 'NOT met'}")
    print()
    return {"gemini_desk": ours, "baseline": base, "ratios": ratios, "goals": goals}


def _clean(obj: Any) -> Any:
    """NaN is not JSON: report unmeasured figures as null."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, float):
        return round(obj, 3) if np.isfinite(obj) else None
    return obj


if __name__ == "__main__":
    raise SystemExit(main())
