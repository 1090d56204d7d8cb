"""Interpreter settings that keep PortAudio's callback threads on time."""

from __future__ import annotations

import sys

__all__ = ["CALLBACK_SWITCH_INTERVAL_S", "favour_audio_callbacks"]

CALLBACK_SWITCH_INTERVAL_S = 0.001
"""How long a callback thread may wait for the GIL before the holder is asked to let go.

CPython's default is 5 ms: a callback that finds the loop thread busy (parsing a burst of
server messages, say) then waits up to 5 ms, a large share of the slack a small output
buffer leaves (12 ms with the default 6 ms blocks in 18 ms). Measured in
bench/audio_latency.py: with 5 ms blocks and a 10 ms buffer the 60 s burst test had 51
device underflows at the default and none at 1 ms.
"""


def favour_audio_callbacks() -> None:
    """Lower the interpreter's switch interval to ``CALLBACK_SWITCH_INTERVAL_S`` (never
    raise it). Process-wide, so the streams call it when they start."""
    if sys.getswitchinterval() > CALLBACK_SWITCH_INTERVAL_S:
        sys.setswitchinterval(CALLBACK_SWITCH_INTERVAL_S)
