"""The background writer: one job at a time, in order, keyed jobs coalesced, bounded
flush, and jobs submitted after close run at once."""

from __future__ import annotations

import threading

from gemini_desk.core.serial_writer import SerialWriter

WAIT = 10.0


def test_jobs_run_in_order_and_a_waiting_keyed_job_is_replaced() -> None:
    writer = SerialWriter("test")
    gate = threading.Event()
    ran: list[str] = []
    writer.submit(lambda: (gate.wait(WAIT), ran.append("first")))
    writer.submit(lambda: ran.append("a1"), key="a")
    writer.submit(lambda: ran.append("b"))
    writer.submit(lambda: ran.append("a2"), key="a")  # takes a1's place in the queue
    assert not writer.flush(0.1)
    gate.set()
    assert writer.flush(WAIT)
    assert ran == ["first", "a2", "b"]


def test_a_failing_job_does_not_stop_the_ones_after_it() -> None:
    writer = SerialWriter("test")
    ran: list[int] = []

    def boom() -> None:
        raise RuntimeError("bug")

    writer.submit(boom)
    writer.submit(lambda: ran.append(1))
    assert writer.flush(WAIT) and ran == [1]


def test_the_thread_ends_when_idle_and_close_runs_later_jobs_at_once() -> None:
    writer = SerialWriter("test-idle")
    ran: list[str] = []
    writer.submit(lambda: ran.append(threading.current_thread().name))
    assert writer.flush(WAIT)
    assert ran == ["test-idle"]
    assert writer.wait_idle(WAIT), "the thread lingers with nothing to do"
    assert writer.close(WAIT)
    writer.submit(lambda: ran.append(threading.current_thread().name))
    assert ran == ["test-idle", threading.current_thread().name]
