"""Memory the local Live server keeps after its connections end (issue 18, finding 3).

Run: python bench/sim_memory.py

Each mode runs in a fresh process: the default bounded records, and full recording (what
the server kept before, and what tests opt into) as the baseline of the same run.

Three connections through the real google-genai SDK, each sending five 1 MiB frames and
a minute of silent 16 kHz audio (40 ms chunks, sent as fast as the socket takes them),
then closing. Measured after the sessions ended and a garbage collection: the Python
memory still allocated since the sim started (tracemalloc) and the process's RSS growth.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from google.genai import types

from gemini_desk.sim import SimConfig, SimThread
from tests.support.sim_fixtures import MIME_16K, live

CONNECTIONS = 3
FRAMES = 5
FRAME_BYTES = 1024 * 1024
AUDIO_S = 60
CHUNK = 16000 * 40 // 1000 * 2  # 40 ms of 16 kHz int16


async def one_connection(
    sim: SimThread, index: int, frames: int = FRAMES, audio_s: int = AUDIO_S
) -> None:
    """Frames, then silence, then close."""
    async with live(sim) as session:
        for n in range(frames):
            data = bytes([index, n]) + bytes(FRAME_BYTES - 2)
            await session.send_realtime_input(video=types.Blob(data=data, mime_type="image/jpeg"))
        silence = types.Blob(data=bytes(CHUNK), mime_type=MIME_16K)
        for _ in range(audio_s * 1000 // 40):
            await session.send_realtime_input(audio=silence)


def current_rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() // 1024


def warm_up() -> None:
    """One short connection to a throwaway sim, so that the SDK's first-use imports and
    schema caches are not counted."""
    with SimThread() as sim:
        asyncio.run(one_connection(sim, 0, frames=1, audio_s=1))


def measure(full_records: bool) -> dict[str, object]:
    config = SimConfig(full_records=True) if full_records else SimConfig()
    warm_up()
    gc.collect()
    tracemalloc.start()
    rss0 = current_rss_kib()
    with SimThread(config) as sim:
        base = tracemalloc.take_snapshot()
        for i in range(CONNECTIONS):
            asyncio.run(one_connection(sim, i))
        sim.wait_until(
            lambda: (
                len(sim.server.sessions) == CONNECTIONS
                and all(s.closed for s in sim.server.sessions)
            ),
            timeout=30,
        )
        gc.collect()
        after = tracemalloc.take_snapshot()
        retained = sum(s.size_diff for s in after.compare_to(base, "filename"))
        rss1 = current_rss_kib()
    tracemalloc.stop()
    return {
        "full_records": full_records,
        "connections": CONNECTIONS,
        "retained_mib": round(retained / 2**20, 2),
        "rss_growth_mib": round((rss1 - rss0) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", choices=("bounded", "full"), help="measure one mode only")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one == "full")))
        return
    results = {}
    for mode in ("full", "bounded"):
        done = subprocess.run(
            [sys.executable, __file__, "--one", mode],
            capture_output=True,
            text=True,
            check=True,
        )
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{mode:8s} {results[mode]}")
    print(json.dumps({"sim_memory": results}))


if __name__ == "__main__":
    main()
