"""Where the CPU of full-duplex streaming goes: the microphone chunks' sends versus the rest.

Run from the repository root after ``scripts/test`` made ``.venv``::

    .venv/bin/python -m bench.cpu_breakdown    # ~5 minutes; --rounds 2 is quicker

It runs ``bench.audio_latency``'s CPU segment (a full-duplex answer delivered in
bursts, through the real SDK to the local server and a private PulseAudio server) for
both engines, each in two ways: as the benchmark does, and with the microphone's chunks
not sent (everything else - capture, pump, playback, receiving - unchanged). Segments
alternate (ABCD, DCBA, ...: ``bench.audio_latency.alternating``). For the runs with
sends it also times each ``send_realtime_input`` call on the loop thread
(``time.thread_time`` around the await), so the cost of one send as it happens between
everything else is measured, not the much lower cost of sends in a tight loop.

gemini-desk sends the issue's 20 ms chunks (50 a second); the baseline sends the
quickstart's 64 ms reads (15.6 a second). The last line is one JSON object with every
figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audio_latency import BaselineEngine, DeskEngine, Driver, Engine, alternating
from bench.sim_process import SimProcess
from tests.support.pulse import PulseServer, pulse_server


class TimedDriver(Driver):
    """The benchmark's driver, timing the CPU of each microphone chunk's send."""

    def __init__(self, engine: Engine, sim: SimProcess, pulse: PulseServer) -> None:
        super().__init__(engine, sim, pulse)
        self.send_cpu = 0.0
        self.sends = 0
        self.elapsed = 0.0

    async def _long_answer(self, seconds: float, bursty: bool) -> tuple[int, int, float, float]:
        # Count what the CPU figure counts: the answer, not the connection's warm-up.
        self.send_cpu, self.sends = 0.0, 0
        t0 = time.monotonic()
        try:
            return await super()._long_answer(seconds, bursty)
        finally:
            self.elapsed = time.monotonic() - t0

    async def _send_chunk(self, pcm: bytes) -> None:
        t0 = time.thread_time()
        await super()._send_chunk(pcm)
        self.send_cpu += time.thread_time() - t0
        self.sends += 1


class NoSendDriver(TimedDriver):
    """The same, with the microphone's chunks dropped instead of sent."""

    def send(self, pcm: bytes, t: float) -> None:
        pass


def run_segment(
    name: str, sends: bool, sim: SimProcess, pulse: PulseServer, seconds: float
) -> tuple[float, float, int, float]:
    """CPU seconds of this process, CPU seconds in send calls, sends, and the seconds
    they took, for one segment."""
    engine: Engine = BaselineEngine() if name == "baseline" else DeskEngine()
    driver = (TimedDriver if sends else NoSendDriver)(engine, sim, pulse)
    own, _ = asyncio.run(driver.cpu_segment(seconds))
    return own, driver.send_cpu, driver.sends, driver.elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--rounds", type=int, default=4, help="segments per configuration, alternating (default 4)"
    )
    ap.add_argument(
        "--seconds", type=float, default=10.0, help="length of each segment's answer (default 10)"
    )
    args = ap.parse_args(argv)

    configs = [
        ("gemini-desk", True),
        ("baseline", True),
        ("gemini-desk", False),
        ("baseline", False),
    ]
    totals: dict[tuple[str, bool], list[float]] = {c: [0.0, 0.0, 0.0, 0.0] for c in configs}
    with pulse_server() as pulse, SimProcess() as sim:
        for r, (name, sends) in alternating(configs, args.rounds):
            print(
                f"round {r + 1}/{args.rounds}: {name}, {'with' if sends else 'without'} sends ...",
                file=sys.stderr,
                flush=True,
            )
            for i, value in enumerate(run_segment(name, sends, sim, pulse, args.seconds)):
                totals[(name, sends)][i] += value
    per_min = 60 / (args.rounds * args.seconds)  # per minute of answer, as audio_latency
    figures: dict[str, Any] = {}
    for (name, sends), (own, send_cpu, n, elapsed) in totals.items():
        key = f"{name}_{'with' if sends else 'without'}_sends"
        figures[key] = {"cpu_s_per_min": own * per_min}
        if sends:
            figures[key].update(
                send_cpu_s_per_min=send_cpu * per_min,
                sends_per_s=n / elapsed,
                cpu_us_per_send=send_cpu / max(1.0, n) * 1e6,
            )
    ratio_with = (
        figures["gemini-desk_with_sends"]["cpu_s_per_min"]
        / figures["baseline_with_sends"]["cpu_s_per_min"]
    )
    ratio_without = (
        figures["gemini-desk_without_sends"]["cpu_s_per_min"]
        / figures["baseline_without_sends"]["cpu_s_per_min"]
    )
    figures["ratio_with_sends"] = ratio_with
    figures["ratio_without_sends"] = ratio_without

    print(
        f"{'configuration':34s} {'CPU s/min':>10s} {'in sends':>9s} {'sends/s':>8s} {'us/send':>8s}"
    )
    for key, f in figures.items():
        if isinstance(f, dict):
            print(
                f"{key:34s} {f['cpu_s_per_min']:10.2f} {f.get('send_cpu_s_per_min', 0):9.2f} "
                f"{f.get('sends_per_s', 0):8.1f} {f.get('cpu_us_per_send', 0):8.0f}"
            )
    print(f"gemini-desk/baseline: {ratio_with:.3f} with sends, {ratio_without:.3f} without")
    print(
        json.dumps(
            {
                k: (
                    {kk: round(vv, 3) for kk, vv in v.items()}
                    if isinstance(v, dict)
                    else round(v, 3)
                )
                for k, v in figures.items()
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
