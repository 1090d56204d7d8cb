"""A client built like Google's Live API Python quickstart, for ``bench.light``.

Run: python -m bench.light_naive   (with GOOGLE_GEMINI_BASE_URL, SSL_CERT_FILE and
GEMINI_API_KEY set, as ``python -m gemini_desk.sim`` prints them)

The quickstart's parameters: 16 kHz mono int16 microphone read in 1024-frame blocking
reads in a thread (``asyncio.to_thread``), each read sent as one
``send_realtime_input``; the answer's 24 kHz audio in an unbounded queue, played with
blocking writes in a thread; queued audio dropped when a turn completes. PyAudio is
replaced by sounddevice's blocking streams (the same PortAudio underneath, opened at the
device's default low latency as PyAudio does). Prints "connected" once the session is
open; runs until killed.
"""

from __future__ import annotations

import asyncio
import sys

import sounddevice as sd
from google import genai

SEND_RATE, RECEIVE_RATE, CHUNK = 16000, 24000, 1024
MODEL = "gemini-3.8-live"


async def main() -> None:
    client = genai.Client(http_options={"api_version": "v1beta"})
    config = {"response_modalities": ["AUDIO"]}
    out_queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=5)
    audio_in: asyncio.Queue[bytes] = asyncio.Queue()  # unbounded, as in the quickstart
    mic = sd.RawInputStream(
        samplerate=SEND_RATE, channels=1, dtype="int16", blocksize=CHUNK, latency="low"
    )
    speaker = sd.RawOutputStream(samplerate=RECEIVE_RATE, channels=1, dtype="int16", latency="low")
    async with client.aio.live.connect(model=MODEL, config=config) as session:  # type: ignore[arg-type]
        print("connected", flush=True)
        mic.start()
        speaker.start()

        async def listen() -> None:
            while True:
                data, _ = await asyncio.to_thread(mic.read, CHUNK)
                await out_queue.put(bytes(data))

        async def send() -> None:
            while True:
                pcm = await out_queue.get()
                await session.send_realtime_input(
                    audio={"data": pcm, "mime_type": f"audio/pcm;rate={SEND_RATE}"}  # type: ignore[arg-type]
                )

        async def receive() -> None:
            while True:
                async for response in session.receive():
                    if data := response.data:
                        audio_in.put_nowait(data)
                    content = response.server_content
                    if content is not None and content.turn_complete:
                        while not audio_in.empty():
                            audio_in.get_nowait()

        async def play() -> None:
            while True:
                pcm = await audio_in.get()
                await asyncio.to_thread(speaker.write, pcm)

        async with asyncio.TaskGroup() as tg:
            for job in (listen, send, receive, play):
                tg.create_task(job())


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
