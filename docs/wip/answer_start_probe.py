"""Probe: heard answer start on the libpulse path, and the reference's alignment error.

For N answers started at random moments while idle: feed -> first sample rendered,
libpulse's own estimate of when it is heard (the tap's stamp + output latency, what the
echo canceller is told), and the onset in a recording of the monitor (constant unknown
offset: parecord's t0). believed-vs-recorded spread = how consistent the AEC alignment is.
"""

from __future__ import annotations

import sys
import time

import numpy as np

sys.path.insert(0, "/work/i19")
from gemini_desk.audio.playback import SpeakerPlayback  # noqa: E402
from gemini_desk.audio.reference import ReferenceTap  # noqa: E402
from tests.support.pulse import pulse_server  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
KIND = sys.argv[2] if len(sys.argv) > 2 else "pulseaudio"
REC_RATE = 48000


def main() -> None:
    rng = np.random.default_rng(7)
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(24000 * 0.3)) / 24000) * 32767).astype("<i2")
    with pulse_server(KIND) as server:
        tap = ReferenceTap(48000, seconds=20.0, max_blocks=40000)
        sp = SpeakerPlayback(device="pulse", reference=tap)
        sp.start()
        w = sp._writer
        assert w is not None
        import os
        w.rewrite_idle = bool(os.environ.get("REWRITE"))
        w.start_margin = float(os.environ.get("MARGIN", "0.004"))
        out = w.output
        with out.locked():
            ti = out._lib.pa_stream_get_timing_info(out._stream)
            info = ti.contents if ti else None
        print(
            f"backend={sp.backend} rate={sp.samplerate} tlength={w.buffer} frames "
            f"({w.buffer_latency * 1000:.1f} ms) idle={w.idle_frames / w.rate * 1000:.1f} ms "
            f"tick={w.tick * 1000:.0f} ms"
        )
        attr = out._lib.pa_stream_get_buffer_attr(out._stream).contents
        print(
            "buffer_attr: maxlength=%d tlength=%d prebuf=%d minreq=%d (bytes)"
            % (attr.maxlength, attr.tlength, attr.prebuf, attr.minreq)
        )
        time.sleep(1.0)
        with out.locked():
            print("sink_block ms", out.sink_block() * 1000, "sink_latency ms", out.sink_latency() * 1000)
        rec = server.start_recording(rate=REC_RATE)
        t0 = time.monotonic()
        time.sleep(0.5)
        feeds, firsts, believed, queued_at, sinks = [], [], [], [], []
        for _ in range(N):
            time.sleep(float(rng.uniform(0.5, 0.8)))
            q = w._queued(time.monotonic())
            with out.locked():
                sinks.append(out.sink_latency())
            t = time.monotonic()
            sp.feed(tone.tobytes())
            sp.end_turn()
            feeds.append(t)
            queued_at.append(q / w.rate * 1000)
            time.sleep(0.45)
            firsts.append(sp.last_first_sample_time)
        recorded = rec.stop()
        st = tap.stamps()
        # believed play time of the first answer sample after each feed
        for t in feeds:
            idx = np.nonzero((st["queue_pos"] >= 0) & (st["t"] >= t - 0.2))[0]
            i = idx[0]
            believed.append(st["t"][i] + sp.output_latency)
        sp.stop()
    print("recorded", len(recorded) / REC_RATE, "s, peak", float(np.abs(recorded).max()), "span", feeds[-1] - t0)
    loud = np.abs(recorded) > 0.01
    idx = np.nonzero(loud)[0]
    starts = [int(idx[0])] + [int(idx[k]) for k in range(1, len(idx)) if idx[k] - idx[k - 1] > REC_RATE // 10]
    print("onsets found", len(starts), "of", len(feeds))
    starts = starts[-len(feeds):]
    onsets = [t0 + j / REC_RATE for j in starts]
    feeds_a = np.array(feeds)
    rend = (np.array(firsts) - feeds_a) * 1000
    bel = (np.array(believed) - feeds_a) * 1000
    heard = (np.array(onsets) - feeds_a) * 1000
    err = heard - bel

    def s(x: np.ndarray) -> str:
        return f"p50 {np.median(x):6.1f}  min {x.min():6.1f}  max {x.max():6.1f}  sd {x.std():5.2f}"


    print("cuts (ms)", [round(c / 44.1, 1) for c in getattr(w, "cuts", [])])
    print("idle queue at feed (ms)     ", s(np.array(queued_at)))
    print("sink_latency at feed (ms)   ", s(np.array(sinks) * 1000))
    print("feed -> first rendered (ms) ", s(rend))
    print("feed -> believed heard (ms) ", s(bel))
    print("feed -> recorded onset (ms) ", s(heard), "(+ parecord t0 offset)")
    print("recorded - believed (ms)    ", s(err), "<- AEC alignment consistency")


if __name__ == "__main__":
    main()
