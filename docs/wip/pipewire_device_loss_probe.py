import asyncio, time
from tests.support.pulse import pulse_server
from tests.integration.test_audio_pulse import _unload_devices, _flowing, tone, to_pcm16
from gemini_desk.audio import MicCapture, SpeakerPlayback
import sys
kind = sys.argv[1]
with pulse_server(kind) as s:
    lost=[]
    async def main():
        loop=asyncio.get_running_loop()
        mic = MicCapture(loop, lambda b: None, device="pulse", on_lost=lost.append)
        pb = SpeakerPlayback(device="pulse", loop=loop, on_lost=lost.append)
        mic.start(); pb.start()
        await _flowing(mic); await _flowing(pb)
        pb.feed(to_pcm16(tone(440, 5.0, 24000)))
        print("sinks before", s.pactl("list","short","sinks"))
        print("inputs", s.pactl("list","short","sink-inputs"), "outputs", s.pactl("list","short","source-outputs"))
        _unload_devices(s)
        for ln in s.pactl("list","short","modules").splitlines():
            if "always-sink" in ln: s.pactl("unload-module", ln.split()[0])
        c0=(mic.callbacks,pb.callbacks)
        await asyncio.sleep(3)
        print("callbacks in 3 s after unload", mic.callbacks-c0[0], pb.callbacks-c0[1], "lost", lost, "backend", pb.backend)
        print("sinks after", s.pactl("list","short","sinks")); print("sources after", s.pactl("list","short","sources"))
        print("inputs", s.pactl("list","short","sink-inputs"), "outputs", s.pactl("list","short","source-outputs"))
        mic.stop(); pb.stop()
    asyncio.run(main())
