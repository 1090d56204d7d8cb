"""What the echo canceller does (``EchoOptions``) and the rates it processes at."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["APM_RATES", "EchoOptions", "apm_rate_for", "module_delay"]

# WebRTC APM's native processing rates. livekit's FFI accepted every rate tried here
# (8k..96k, incl. 22.05k/44.1k) and resamples internally, but at a native rate the
# module does no hidden work and a 10 ms frame is a whole number of samples.
APM_RATES = (8000, 16000, 32000, 48000)


def apm_rate_for(rate: int) -> int:
    """The smallest native APM rate >= ``rate`` (capped at 48 kHz)."""
    for r in APM_RATES:
        if rate <= r:
            return r
    return APM_RATES[-1]


# How late the module hands back the near end at each native rate, in samples: AEC3
# works in 64-sample blocks per 16 kHz band (measured on livekit's module with
# broadband noise; tests/integration/test_echo.py holds the module to these).
_MODULE_DELAY = {8000: 88, 16000: 128, 32000: 260, 48000: 430}


def module_delay(rate: int) -> int:
    """Samples the echo module delays the near end by at ``rate`` (a native APM rate)."""
    return _MODULE_DELAY[rate]


@dataclass(frozen=True, slots=True)
class EchoOptions:
    """What the module does to the microphone signal.

    ``lead_ms``: the far-end reference is handed to the canceller this long before the
    near-end frame captured at the same moment, so small errors in the latency figures
    the devices report do not make the echo arrive before its reference (AEC3 finds the
    remaining delay, up to ~0.4 s, with its own estimator: bench/aec_bench.py). Replaying
    audio recorded in the PulseAudio rig, 10-20 ms left no echo through, while feeding
    each far-end frame as soon as it was emitted (call order, ~30-50 ms ahead there)
    let the tail of answers through after double talk. If the reference is not that far
    ahead (the speaker's latency is tiny), frames go in as soon as they exist.

    ``echo_gate``: a residual echo gate after AEC3 (audio/echo_gate.py).
    """

    echo_cancellation: bool = True
    noise_suppression: bool = False
    high_pass_filter: bool = True
    auto_gain_control: bool = False
    lead_ms: float = 20.0
    max_far_ms: float = 2000.0  # far-end frames kept waiting for their near-end
    echo_gate: bool = True  # silence residual echo AEC3 lets through (echo_gate.py)
    # Rest the module while the far end has been silent for ``rest_after_s`` (only when
    # echo cancellation is all it does: noise suppression and gain control need every
    # frame). See audio/echo_idle.py. After a pause, resting or not, AEC3 lets the next
    # answer's first 0.1-0.6 s of echo through when the echo path's delay moved during
    # the silence (in the end-to-end rig it drifts 0.3-0.5 ms a second: the loopback
    # resamples); the residual echo gate's onset guard (audio/echo_gate.py) holds then.
    # Without the guard that answer interrupted itself in 9 of 12 runs with the rest.
    idle_bypass: bool = True
    rest_after_s: float = 10.0

    @property
    def bypass_allowed(self) -> bool:
        return (
            self.idle_bypass
            and self.echo_cancellation
            and not self.noise_suppression
            and not self.auto_gain_control
        )

    @property
    def any(self) -> bool:
        return (
            self.echo_cancellation
            or self.noise_suppression
            or self.high_pass_filter
            or self.auto_gain_control
        )
