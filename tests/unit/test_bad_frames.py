"""Unreadable frames are skipped and counted; only several close together end a
connection (issue 18, finding 12)."""

from __future__ import annotations

import logging

import pytest

from gemini_desk.live.bad_frames import BadFrameCounter
from gemini_desk.live.errors import DETAIL_CHARS, BadFrames, classify


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bad_frames_far_apart_never_add_up() -> None:
    clock = Clock()
    counter = BadFrameCounter(limit=3, window_s=10.0, clock=clock)
    for _ in range(20):
        counter.note(ValueError("Failed to parse response: b'x'"))
        clock.now += 5.1  # at most two within any 10 s
    assert counter.total == 20


def test_the_limit_within_the_window_ends_the_connection_retryably() -> None:
    clock = Clock()
    counter = BadFrameCounter(limit=3, window_s=10.0, clock=clock)
    counter.note(ValueError("one"))
    clock.now = 9.0
    counter.note(ValueError("two"))
    with pytest.raises(BadFrames) as raised:
        counter.note(ValueError("three " + "x" * 100_000))
    error = classify(raised.value)
    assert error.retryable
    assert len(error.detail) <= DETAIL_CHARS + 30


def test_the_log_keeps_a_short_prefix_of_a_huge_frame(caplog: pytest.LogCaptureFixture) -> None:
    counter = BadFrameCounter()
    with caplog.at_level(logging.WARNING, logger="gemini_desk.live"):
        counter.note(ValueError("Failed to parse response: b'" + "x" * (1 << 20) + "'"))
    [record] = caplog.records
    assert "xxxx" in record.getMessage()
    assert len(record.getMessage()) < DETAIL_CHARS + 150


def test_an_unexpected_error_detail_is_cut_short() -> None:
    error = classify(RuntimeError("y" * (1 << 20)))
    assert not error.retryable and len(error.detail) <= DETAIL_CHARS + 30
