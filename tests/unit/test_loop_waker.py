"""LoopWaker: wakes from other threads run the callback on the loop, coalesced."""

from __future__ import annotations

import asyncio
import threading

from gemini_desk.audio.loop_waker import LoopWaker


def test_wakes_from_a_thread_run_the_callback_on_the_loop_thread() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        ran: list[int] = []
        waker = LoopWaker(loop, lambda: ran.append(threading.get_ident()))
        assert waker.uses_socket
        for k in range(1, 4):  # one wake at a time: each runs the callback once
            sender = threading.Thread(target=waker.wake)
            sender.start()
            sender.join()
            await asyncio.wait_for(_until(lambda k=k: len(ran) == k), 5)
        assert ran == [threading.get_ident()] * 3
        waker.close()
        assert not waker.wake()

    asyncio.run(main())


def test_wakes_before_the_loop_reads_them_run_the_callback_once() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        ran: list[int] = []
        waker = LoopWaker(loop, lambda: ran.append(1))
        sender = threading.Thread(target=lambda: [waker.wake() for _ in range(50)])
        sender.start()
        sender.join()  # all 50 sent while the loop was busy here
        await asyncio.wait_for(_until(lambda: bool(ran)), 5)
        for _ in range(5):
            await asyncio.sleep(0)  # let any further readiness show
        assert ran == [1]
        waker.close()

    asyncio.run(main())


def test_a_loop_that_cannot_watch_sockets_falls_back_to_call_soon_threadsafe() -> None:
    class NoReaders(asyncio.SelectorEventLoop):
        def add_reader(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            raise NotImplementedError

    loop = NoReaders()
    try:
        ran: list[int] = []
        waker = LoopWaker(loop, lambda: ran.append(1))
        assert not waker.uses_socket
        threading.Thread(target=waker.wake).start()
        loop.run_until_complete(asyncio.wait_for(_until(lambda: bool(ran)), 5))
        assert ran == [1]
    finally:
        loop.close()
    assert not waker.wake()  # the loop is closed


async def _until(condition: object) -> None:
    while not condition():  # type: ignore[operator]
        await asyncio.sleep(0.001)
