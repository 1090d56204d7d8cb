"""Soak and recovery benchmark: a long conversation through goAways and random drops.

Run from the repository root::

    python -m bench.soak                 # 30 simulated minutes (about 5-6 minutes of wall time)
    python -m bench.soak --minutes 3     # a quick run

The app's Conversation (with its SessionSupervisor, the real google-genai SDK and a fake
microphone and speaker of our own interfaces) talks to the local Live server, which runs
in a separate process so that the memory figure is the client's alone. The server sends
``goAway`` every 20 simulated seconds (closing the connection 3 s of wall time later) and
aborts the TCP connection at random moments (exponential gaps, mean 60 simulated s).
Every 12 simulated seconds the user speaks (a tone burst the server's voice detection
takes for speech) or types a message.

Acceleration, honestly: only the idle time *between* scheduled events is compressed
(``--accel``, default 20x). Everything that happens is real and runs in real time: the
microphone streams 20 ms chunks at wall-clock pace the whole run, answers stream at
the server's pace, and every connection, hand-over and reconnect is a real TLS
websocket. Recovery times are wall-clock seconds. The summary says how much wall time
was spent on a simulated span.

Measured: recovery time (from goAway or a lost connection until the next connection is
ready; p50/p99, per cause); turns lost (answers the server completed, and messages the
user typed, that are missing from the saved transcript file; must be 0); microphone
audio lost (sent by the mic but never received by the server, not counting the
unanswered utterance the client deliberately sends again to a new connection, which is
reported as replayed); answer timeouts (turns with no answer within 8 s: a drop cut the
question or the answer); RSS growth of the client process after warm-up.

Baseline, measured in the same run (``--baseline-minutes``, default 3 simulated): a
client built like the reference examples, one LiveSession that is reopened from scratch
when it closes (no resumption, no early hand-over, microphone audio ignored while
disconnected, as the app did before). Its recovery times and audio lost are reported
next to ours.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gemini_desk.core.events import LiveEvent, SessionState, StateChanged
from gemini_desk.core.settings import Settings
from gemini_desk.core.transcript import Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.live.config import Endpoint
from gemini_desk.live.reconnect_policy import STABLE_S
from gemini_desk.live.session import LiveSession
from gemini_desk.session.conversation import Conversation

CHUNK = 320  # 20 ms at 16 kHz
GO_AWAY_EVERY_S = 20.0
GO_AWAY_TIME_LEFT_S = 3.0
DROP_MEAN_S = 60.0
TURN_EVERY_S = 12.0
ANSWER_TIMEOUT_S = 8.0


# --- the server, in its own process -------------------------------------------------
def _serve(conn: Connection) -> None:
    """Child process: a SimThread controlled through ``conn``."""
    from gemini_desk.sim import SimConfig, SimThread

    sim = SimThread(SimConfig(pace=4.0, full_records=True)).start()  # reads audio and texts
    conn.send((sim.base_url, str(sim.ca_file)))
    while True:
        cmd, *args = conn.recv()
        if cmd == "go_away":
            conn.send(sim.go_away(*args))
        elif cmd == "drop":
            conn.send(sim.drop())
        elif cmd == "stats":
            conn.send(_stats(sim))
        elif cmd == "stop":
            sim.stop()
            conn.send(True)
            return


def _stats(sim: Any) -> dict[str, Any]:
    sessions = [s for s in sim.server.sessions if s.setup is not None]
    return {
        "connections": len(sessions),
        "resumed": sum(1 for s in sessions if s.resumed_from),
        "audio_bytes": sum(len(s.audio) for s in sim.server.sessions),
        "answered": [t.output_text for s in sessions for t in s.answered],
        "cut": sum(1 for s in sessions for t in s.turns if not t.completed),
        "texts": [t for s in sessions for t in s.texts],
    }


class SimProcess:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._proc.start()
        base_url, ca = self._conn.recv()
        self.endpoint = Endpoint(api_key="demo-key", base_url=base_url, ca_file=Path(ca))

    async def call(self, *cmd: Any) -> Any:
        def roundtrip() -> Any:
            self._conn.send(cmd)
            return self._conn.recv()

        return await asyncio.to_thread(roundtrip)

    def stop(self) -> None:
        self._conn.send(("stop",))
        self._conn.recv()
        self._proc.join(10)


# --- fakes of our own interfaces ---------------------------------------------------------
class View:
    def __init__(self) -> None:
        self.states: list[SessionState] = []
        self.errors: list[str] = []
        self.finished_models = 0

    def set_session_state(self, state: SessionState, detail: str = "") -> None:
        self.states.append(state)

    def show_turn(self, turn: Turn) -> None:
        pass

    def set_latency(self, ms: float | None) -> None:
        pass

    def show_error(self, message: str, action: str | None = None) -> None:
        self.errors.append(message)

    def clear_error(self) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        pass

    def set_voice_activity(self, active: bool) -> None:
        pass

    def clear_transcript(self) -> None:
        pass


class Mic:
    muted = False

    def __init__(self, on_chunk: Callable[[bytes], None]) -> None:
        self.on_chunk = on_chunk

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class Speaker:
    last_first_sample_time: float | None = None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def feed(self, pcm: bytes, rate: int = 24_000) -> None:
        self.last_first_sample_time = time.monotonic()

    def clear(self) -> None:
        pass

    def end_turn(self) -> None:
        pass


def speech_burst(seconds: float, seed: int) -> np.ndarray:
    """A voiced-sounding tone burst (the sim's voice detection is energy based)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(16000 * seconds)) / 16000
    f0 = 140 + 40 * rng.random()
    wave = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    return np.asarray(wave * envelope * 6000, dtype=np.int16)


class MicFeed:
    """Pushes 20 ms chunks at wall-clock pace: speech when queued, silence otherwise."""

    def __init__(self, push: Callable[[bytes], bool]) -> None:
        self._push = push  # returns whether the chunk was accepted by the client
        self.sent_bytes = 0
        self.ignored_bytes = 0
        self._pending = np.zeros(0, np.int16)
        self._task: asyncio.Task[None] | None = None

    def say(self, pcm: np.ndarray) -> float:
        """Queue speech plus 0.8 s of silence; returns its length in seconds."""
        tail = np.zeros(int(16000 * 0.8), np.int16)
        self._pending = np.concatenate([self._pending, pcm, tail])
        return self._pending.size / 16000

    @property
    def speaking(self) -> bool:
        return self._pending.size > 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start, pushed = loop.time(), 0
        while True:
            if self._pending.size:
                chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
                chunk = np.pad(chunk, (0, CHUNK - chunk.size))
            else:
                chunk = np.zeros(CHUNK, np.int16)
            data = chunk.tobytes()
            if self._push(data):
                self.sent_bytes += len(data)
            else:
                self.ignored_bytes += len(data)
            pushed += 1
            await asyncio.sleep(max(0.0, start + pushed * CHUNK / 16000 - loop.time()))


# --- simulated clock -------------------------------------------------------------------
class SimClock:
    """Simulated seconds: idle wall time counts ``accel`` times, busy wall time once."""

    def __init__(self, accel: float) -> None:
        self.accel = accel
        self._sim = 0.0
        self._wall = time.monotonic()
        self.busy = False
        self.busy_wall = 0.0

    def now(self) -> float:
        wall = time.monotonic()
        step = wall - self._wall
        self._sim += step if self.busy else step * self.accel
        if self.busy:
            self.busy_wall += step
        self._wall = wall
        return self._sim

    def set_busy(self, busy: bool) -> None:
        self.now()
        self.busy = busy


@dataclass
class Schedule:
    events: list[tuple[float, str]] = field(default_factory=list)

    @classmethod
    def build(cls, seconds: float, seed: int, drops: bool = True) -> Schedule:
        rng = random.Random(seed)
        events: list[tuple[float, str]] = []
        t = GO_AWAY_EVERY_S
        while t < seconds:
            events.append((t, "go_away"))
            t += GO_AWAY_EVERY_S
        t = rng.expovariate(1 / DROP_MEAN_S)
        while drops and t < seconds:
            events.append((t, "drop"))
            t += rng.expovariate(1 / DROP_MEAN_S)
        t = 3.0
        while t < seconds:
            events.append((t, "turn"))
            t += TURN_EVERY_S
        return cls(sorted(events))


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


# --- our client ----------------------------------------------------------------------------
async def soak(sim: SimProcess, minutes: float, accel: float, seed: int) -> dict[str, Any]:
    view = View()
    speaker = Speaker()
    mics: list[Mic] = []
    folder = Path(tempfile.mkdtemp(prefix="gd-soak-"))

    def make_mic(on_chunk: Callable[[bytes], None]) -> Mic:
        mics.append(Mic(on_chunk))
        return mics[-1]

    conv = Conversation(view, Settings(), folder, make_mic, lambda: speaker)
    # "Healthy" is judged in simulated time like everything else: a goAway every 20
    # simulated seconds is the service's plan, not a storm to back off from.
    conv.stable_s = STABLE_S / accel
    conv.endpoint = sim.endpoint
    live = (SessionState.CONNECTED, SessionState.RECONNECTING)

    def push(data: bytes) -> bool:
        if not mics or conv.state not in live:
            return False
        mics[-1].on_chunk(data)
        return True

    feed = MicFeed(push)
    conv.connect()
    while conv.state is not SessionState.CONNECTED or not mics:
        await asyncio.sleep(0.01)
    feed.start()
    clock = SimClock(accel)
    schedule = Schedule.build(minutes * 60, seed)
    counts = {
        "go_away": 0,
        "drop": 0,
        "connections_aborted": 0,
        "turn": 0,
        "turns_skipped": 0,
        "answer_timeouts": 0,
    }
    typed: list[str] = []
    turn_task: asyncio.Task[None] | None = None
    rss_start: float | None = None
    wall_start = time.monotonic()

    def saved_models() -> int:
        return sum(1 for t in conv.transcript.finished_turns if t.role.value == "model")

    async def do_turn(index: int) -> None:
        clock.set_busy(True)
        try:
            before = saved_models()
            if index % 2:
                text = f"typed message number {index}"
                while conv.state not in live:
                    await asyncio.sleep(0.02)
                conv.send_text(text)
                typed.append(text)
            else:
                seconds = feed.say(speech_burst(0.7, index))
                await asyncio.sleep(seconds)
            deadline = time.monotonic() + ANSWER_TIMEOUT_S
            while saved_models() <= before and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if saved_models() <= before:
                counts["answer_timeouts"] += 1  # the drop cut the question or the answer
        finally:
            clock.set_busy(False)

    for at, kind in schedule.events:
        while clock.now() < at:
            await asyncio.sleep(0.005)
        if kind == "turn":
            if turn_task is not None and not turn_task.done():
                counts["turns_skipped"] += 1
                continue
            counts["turn"] += 1
            turn_task = asyncio.get_running_loop().create_task(do_turn(counts["turn"]))
        else:
            counts[kind] += 1
            if kind == "go_away":
                await sim.call("go_away", GO_AWAY_TIME_LEFT_S, True)
            else:
                counts["connections_aborted"] += await sim.call("drop")
        if rss_start is None and counts["turn"] >= 2 and counts["go_away"] >= 1:
            gc.collect()
            rss_start = _rss_mb()
    if turn_task is not None:
        await turn_task
    await asyncio.sleep(1.0)
    await feed.stop()
    await asyncio.sleep(0.5)  # the last chunks reach the server
    supervisor = conv.session
    assert supervisor is not None
    recoveries = list(supervisor.recoveries)
    dropped_in_buffer = supervisor.dropped_chunks
    replayed = supervisor.replayed_bytes
    gc.collect()
    rss_end = _rss_mb()
    await conv.shutdown()
    stats = await sim.call("stats")
    saved = [TranscriptStore.read(p) for p in sorted(folder.glob("*.jsonl"))]
    saved_turns = [t for turns in saved for t in turns]
    model_texts = {_norm(t["text"]) for t in saved_turns if t.get("role") == "model"}
    user_texts = {_norm(t["text"]) for t in saved_turns if t.get("role") == "user"}
    lost_answers = [a for a in stats["answered"] if _norm(a) not in model_texts]
    lost_typed = [t for t in typed if _norm(t) not in user_texts]
    by_cause: dict[str, list[float]] = {}
    for cause, seconds in recoveries:
        by_cause.setdefault(cause, []).append(seconds)
    wall = time.monotonic() - wall_start
    return {
        "simulated_s": round(clock.now(), 1),
        "wall_s": round(wall, 1),
        "accel_idle": accel,
        "wall_s_in_real_time_turns": round(clock.busy_wall, 1),
        "events": counts,
        "connections": stats["connections"],
        "resumed_connections": stats["resumed"],
        "fresh_restarts": supervisor.fresh_starts,
        "recovery_s": _summary([s for _, s in recoveries]),
        "recovery_s_by_cause": {k: _summary(v) for k, v in by_cause.items()},
        "answers_completed_by_server": len(stats["answered"]),
        "answers_cut_by_drops": stats["cut"],
        "turns_saved": len(saved_turns),
        "turns_lost": len(lost_answers) + len(lost_typed),
        "lost_examples": (lost_answers + lost_typed)[:3],
        "mic_audio_sent_s": round(feed.sent_bytes / 32000, 2),
        "mic_audio_received_s": round(stats["audio_bytes"] / 32000, 2),
        "mic_audio_replayed_s": round(replayed / 32000, 2),
        "mic_audio_lost_ms": round((feed.sent_bytes - (stats["audio_bytes"] - replayed)) / 32, 1),
        "mic_audio_ignored_ms": round(feed.ignored_bytes / 32, 1),
        "buffer_overflow_chunks": dropped_in_buffer,
        "errors_shown": view.errors,
        "rss_start_mb": round(rss_start or rss_end, 1),
        "rss_end_mb": round(rss_end, 1),
        "memory_growth_mb": round(rss_end - (rss_start or rss_end), 2),
    }


def _summary(values: list[float]) -> dict[str, Any]:
    p50, p99 = _percentile(values, 50), _percentile(values, 99)
    return {
        "n": len(values),
        "p50": None if p50 is None else round(p50, 4),
        "p99": None if p99 is None else round(p99, 4),
        "max": round(max(values), 4) if values else None,
        "mean": round(statistics.fmean(values), 4) if values else None,
    }


# --- the baseline client ----------------------------------------------------------------
async def baseline(sim: SimProcess, minutes: float, accel: float, seed: int) -> dict[str, Any]:
    """One LiveSession at a time, reopened fresh when it closes; mic ignored meanwhile."""
    state = {"connected": False}
    current: dict[str, LiveSession] = {}
    closed_at: list[float] = []
    recoveries: list[float] = []

    def on_event(event: LiveEvent) -> None:
        if isinstance(event, StateChanged):
            if event.state is SessionState.CONNECTED:
                state["connected"] = True
                if closed_at:
                    recoveries.append(time.monotonic() - closed_at.pop())
            elif event.state is SessionState.DISCONNECTED:
                state["connected"] = False
                closed_at[:] = [time.monotonic()]

    async def keep_open() -> None:
        while True:
            session = LiveSession(sim.endpoint, Settings(), on_event)
            current["s"] = session
            await session.run()

    def push(data: bytes) -> bool:
        if not state["connected"]:
            return False
        current["s"].send_audio(data)
        return True

    before = (await sim.call("stats"))["audio_bytes"]
    runner = asyncio.get_running_loop().create_task(keep_open())
    while not state["connected"]:
        await asyncio.sleep(0.01)
    feed = MicFeed(push)
    feed.start()
    clock = SimClock(accel)
    for at, kind in Schedule.build(minutes * 60, seed).events:
        while clock.now() < at:
            await asyncio.sleep(0.005)
        if kind == "go_away":
            await sim.call("go_away", GO_AWAY_TIME_LEFT_S, True)
        elif kind == "drop":
            await sim.call("drop")
        else:  # as in ours: the user speaks, then the answer takes its time
            clock.set_busy(True)
            await asyncio.sleep(feed.say(speech_burst(0.7, int(at))) + 1.5)
            clock.set_busy(False)
    await asyncio.sleep(1.0)
    await feed.stop()
    await asyncio.sleep(0.5)
    runner.cancel()
    await current["s"].close()
    with contextlib.suppress(asyncio.CancelledError):
        await runner
    received = (await sim.call("stats"))["audio_bytes"] - before
    produced = feed.sent_bytes + feed.ignored_bytes
    return {
        "simulated_s": round(clock.now(), 1),
        "recovery_s": _summary(recoveries),
        "mic_audio_produced_s": round(produced / 32000, 2),
        "mic_audio_lost_ms": round((produced - received) / 32, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0, help="simulated minutes (30)")
    ap.add_argument("--accel", type=float, default=20.0, help="idle-time compression (20)")
    ap.add_argument("--baseline-minutes", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    log_file = Path(tempfile.gettempdir()) / "gemini-desk-soak.log"
    logging.basicConfig(
        filename=log_file,
        filemode="w",
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    print(f"log: {log_file}", flush=True)
    sim = SimProcess()
    try:
        print(
            f"soak: {args.minutes:g} simulated minutes, goAway every {GO_AWAY_EVERY_S:g} s, "
            f"random drops (mean every {DROP_MEAN_S:g} s), idle time {args.accel:g}x faster",
            flush=True,
        )
        ours = asyncio.run(soak(sim, args.minutes, args.accel, args.seed))
        print(
            f"ours: {ours['simulated_s']} simulated s in {ours['wall_s']} s of wall time "
            f"({ours['wall_s_in_real_time_turns']} s of it in real-time turns); "
            f"{ours['events']['go_away']} goAways, {ours['events']['drop']} drops, "
            f"{ours['connections']} connections; recovery p50 "
            f"{ours['recovery_s']['p50']} s, p99 {ours['recovery_s']['p99']} s; turns lost "
            f"{ours['turns_lost']}; memory growth {ours['memory_growth_mb']} MB",
            flush=True,
        )
        base = asyncio.run(baseline(sim, args.baseline_minutes, args.accel, args.seed))
        print(
            f"baseline ({base['simulated_s']} simulated s): recovery p50 "
            f"{base['recovery_s']['p50']} s; mic audio lost {base['mic_audio_lost_ms']} ms",
            flush=True,
        )
    finally:
        sim.stop()
    goals = {
        "turns_lost_is_0": ours["turns_lost"] == 0,
        "memory_growth_under_20_mb": ours["memory_growth_mb"] < 20,
    }
    per_min_ours = ours["mic_audio_lost_ms"] / max(ours["simulated_s"] / 60, 1e-9)
    per_min_base = base["mic_audio_lost_ms"] / max(base["simulated_s"] / 60, 1e-9)
    print(
        json.dumps(
            {
                "bench": "soak",
                "note": (
                    "simulated_s counts idle gaps accel_idle times faster than wall time; "
                    "turns, audio, connections and recoveries ran in real time"
                ),
                "gemini_desk": ours,
                "baseline": base,
                "ratios": {
                    "mic_audio_lost_per_min_ours_over_baseline": _ratio(per_min_ours, per_min_base),
                },
                "goals_met": goals,
            }
        )
    )
    return 0 if all(goals.values()) else 1


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 4)


if __name__ == "__main__":
    sys.exit(main())
