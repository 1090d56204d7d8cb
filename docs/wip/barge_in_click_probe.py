"""Scratch probe (issue 19): N barge-ins at arbitrary points of a 440 Hz wave on one
sound server; counts hard cuts (a step larger than the tone's own in the 40 ms before
silence), as tests/integration/test_pulse_backend.py's click test does for 3.

    PYTHONPATH=. python docs/wip/barge_in_click_probe.py pulseaudio 40
"""

import asyncio
import sys

import numpy as np

from tests.integration.test_audio_pulse import tone
from tests.integration.test_pulse_backend import _play, _wait_until, to_pcm16
from tests.support.pulse import pulse_server

kind, count = sys.argv[1], int(sys.argv[2])
rate, amp = 44100, 0.5
rng = np.random.default_rng(7)


async def scenario(pb) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        pb.feed(to_pcm16(tone(440, 2.0, 24000, amp)))
        await _wait_until(lambda: pb.level.rms_db > -20, timeout=10)
        await asyncio.sleep(0.3 + 0.0013 * rng.integers(0, 20))
        pb.clear()
        await asyncio.sleep(0.4)


with pulse_server(kind) as pulse:
    recorded, _ = _play(pulse, rate, scenario)
x = recorded.astype(np.float64)
smooth = 2 * np.pi * 440 / rate * amp
n = rate // 100
loud = np.sqrt(np.mean(x[: len(x) // n * n].reshape(-1, n) ** 2, axis=1)) > 0.05
ends = np.flatnonzero(loud[:-1] & ~loud[1:])
steps = []
for end in ends:
    window = x[max(0, (end - 2) * n) : (end + 2) * n]
    steps.append(float(np.abs(np.diff(window)).max()) / smooth)
clicks = sum(s > 1.6 for s in steps)
print(f"{kind}: {len(ends)} barge-ins, {clicks} clicks; worst step {max(steps):.2f}x the tone's")
