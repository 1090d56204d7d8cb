"""MicBatcher: chunks per wake-up and send, on literal levels and times."""

from __future__ import annotations

from gemini_desk.audio.mic_batch import MicBatcher


def test_two_chunks_after_two_seconds_of_quiet_one_at_once_on_a_loud_block() -> None:
    b = MicBatcher(quiet_after_s=2.0, onset_db=-50.0, quiet_batch=2, still_after_s=60.0)
    assert [b.block(-70.0, t) for t in (0.0, 1.0, 1.99)] == [1, 1, 1]
    assert b.block(-70.0, 2.0) == 2
    assert b.block(-30.0, 2.02) == 1  # voice onset: back at once
    assert b.block(-70.0, 4.0) == 1  # quiet counted from the loud block
    assert b.block(-70.0, 4.03) == 2
    assert b.batch == 2


def test_a_still_room_wakes_the_loop_every_five_chunks_and_still_sends_two() -> None:
    b = MicBatcher(quiet_after_s=2.0, quiet_batch=2, still_after_s=5.0, still_wake=5)
    assert [b.block(-70.0, t) for t in (0.0, 2.0, 4.99)] == [1, 2, 2]
    assert b.block(-70.0, 5.0) == 5 and b.batch == 2
    assert b.block(-30.0, 5.02) == 1 and b.batch == 1  # a sound: at once


def test_reset_and_never_batching() -> None:
    b = MicBatcher(quiet_after_s=0.5)
    b.block(-90.0, 0.0)
    assert b.block(-90.0, 0.5) == 2
    b.reset()
    assert b.batch == 1 and b.block(-90.0, 10.0) == 1  # quiet counted from here
    one = MicBatcher(quiet_after_s=0.0, quiet_batch=1, still_wake=1)
    assert one.block(-90.0, 5.0) == 1 and one.block(-90.0, 11.0) == 1
