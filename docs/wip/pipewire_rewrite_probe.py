"""Rewrite experiment: keep a 300 ms buffer full of a tone, then overwrite ALL that
queued_frames says is queued (or everything written in the last `span` s) with silence;
measure how long the tone is still heard on speaker.monitor."""
import sys, time, numpy as np
from tests.support.pulse import pulse_server
from tests.integration.test_audio_pulse import tone_presence
from gemini_desk.audio.pulse_output import PulseOutput
kind = sys.argv[1]
rate = 24000
with pulse_server(kind) as s:
    for mode in ("queued", "writer"):
        out = PulseOutput(rate, 300, 20)
        print(kind, mode, "tlength ms", out.buffer_frames / rate * 1000, "latency", out.latency(), "sink_block", out.sink_block())
        rec = s.start_recording(rate=rate)
        t0 = time.monotonic()
        ph = 0
        def fill():
            global ph
            with out.locked():
                n = out.writable_frames()
                if n:
                    t = (ph + np.arange(n)) / rate
                    out.write((0.5*np.sin(2*np.pi*440*t)).astype(np.float32)); ph += n
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            fill(); time.sleep(0.01)
        q = out.queued_frames(timeout=0.2)
        tc = time.monotonic()
        with out.locked():
            sb = out.sink_block(); ti = out._lib.pa_stream_get_timing_info(out._stream).contents
            print("  configured_sink_usec", ti.configured_sink_usec, "sink_usec", ti.sink_usec, "transport", ti.transport_usec)
            span = q if mode == "queued" else max(0, q - int(rate * (0.004 + sb)))
            out.overwrite_tail(np.zeros(span, np.float32))
        qs = []
        end = time.monotonic() + 0.8
        while time.monotonic() < end:
            with out.locked():
                n = out.writable_frames()
                if n: out.write(np.zeros(n, np.float32))
            time.sleep(0.01)
        out.close()
        x = rec.stop()
        pres = tone_presence(x, rate, 440) > 0.1
        cut = int((tc - t0) / 0.02)
        print(f"  queued_frames said {q/rate*1000:.0f} ms; overwrote {span/rate*1000:.0f} ms; tone heard after the rewrite: {pres[cut:].sum()*20} ms")
