"""The outbox (sends waiting for a connection) and the open utterance a new one hears."""

from __future__ import annotations

import numpy as np

from gemini_desk.live.outbox import (
    MAX_BUFFERED_AUDIO,
    REPLAY_LEAD_IN_CHUNKS,
    REPLAY_MAX_CHUNKS,
    Outbox,
    Outgoing,
    UtteranceLog,
    dbfs,
    from_first_sound,
)

Sent = list[object]


def audio(value: int, loud: bool = False) -> Outgoing[Sent]:
    """A 20 ms chunk; ``loud`` chunks are speech, the rest is digital silence."""
    pcm = np.full(320, 8000 if loud else 0, np.int16).tobytes()
    return Outgoing("audio", lambda sent: sent.append(value), pcm)


def other(kind: str, value: object) -> Outgoing[Sent]:
    return Outgoing(kind, lambda sent: sent.append(value))


def send_all(items: list[Outgoing[Sent]]) -> Sent:
    sent: Sent = []
    for item in items:
        item.send(sent)
    return sent


def test_audio_is_capped_oldest_first_and_counted() -> None:
    box: Outbox[Sent] = Outbox()
    for i in range(MAX_BUFFERED_AUDIO + 100):
        box.put(audio(i))
    assert box.dropped_audio == 100 and len(box) == MAX_BUFFERED_AUDIO
    assert send_all(box.drain()) == list(range(100, MAX_BUFFERED_AUDIO + 100))
    assert len(box) == 0


def test_only_the_newest_frame_waits_and_text_and_activity_are_never_dropped() -> None:
    box: Outbox[Sent] = Outbox({"audio": 2, "video": 1})
    box.put(other("activity", "start"))
    box.put(other("video", "old frame"))
    for i in range(4):
        box.put(audio(i))
    box.put(other("video", "new frame"))
    box.put(other("other", "typed"))
    box.put(other("activity", "end"))
    assert send_all(box.drain()) == ["start", 2, 3, "new frame", "typed", "end"]
    assert box.dropped_audio == 2, "dropped frames are not audio"


def test_items_put_back_go_first_in_order_and_are_never_dropped() -> None:
    box: Outbox[Sent] = Outbox({"audio": 2})
    box.put(audio(10))
    box.put_front([audio(1), audio(2), audio(3)])  # e.g. an utterance to replay
    box.put_front([other("other", "older")])
    box.put(audio(11))
    box.put(audio(12))  # over the cap: the oldest *capped* chunk (10) goes
    assert send_all(list(box)) == ["older", 1, 2, 3, 11, 12]
    assert box.dropped_audio == 1


def test_clear_empties_and_restarts_the_caps() -> None:
    box: Outbox[Sent] = Outbox({"audio": 2})
    box.put(audio(1))
    box.put(audio(2))
    box.clear()
    box.put(audio(3))
    box.put(audio(4))
    assert send_all(box.drain()) == [3, 4] and box.dropped_audio == 0


def test_the_utterance_log_keeps_audio_and_activity_signals_only() -> None:
    log: UtteranceLog[Sent] = UtteranceLog()
    log.record(other("activity", "start"))
    log.record(audio(1, loud=True))
    log.record(other("video", "frame"))
    log.record(other("other", "typed"))
    assert Outgoing("activity", print).utterance and not Outgoing("video", print).utterance
    assert send_all(log.take_open()) == ["start", 1]
    assert len(log) == 0, "taken"


def test_an_answer_closes_the_utterance() -> None:
    log: UtteranceLog[Sent] = UtteranceLog()
    log.record(audio(1, loud=True))
    log.answered()
    assert log.take_open() == []


def test_unsent_parts_are_forgotten_newest_first() -> None:
    log: UtteranceLog[Sent] = UtteranceLog()
    for i in range(5):
        log.record(audio(i, loud=True))
    log.forget_newest(2)
    assert send_all(log.take_open()) == [0, 1, 2]
    log.forget_newest(3)  # more than there is: harmless
    assert len(log) == 0


def test_the_log_keeps_only_the_newest_chunks() -> None:
    log: UtteranceLog[Sent] = UtteranceLog()
    for i in range(REPLAY_MAX_CHUNKS + 10):
        log.record(audio(i, loud=True))
    assert send_all(log.take_open()) == list(range(10, REPLAY_MAX_CHUNKS + 10))


def test_replay_starts_a_short_lead_in_before_the_first_sound() -> None:
    quiet = [audio(i) for i in range(40)]
    speech = [audio(100 + i, loud=True) for i in range(5)]
    items = from_first_sound([*quiet, *speech, audio(200)])
    assert send_all(items) == [*range(40 - REPLAY_LEAD_IN_CHUNKS, 40), *range(100, 105), 200]
    assert send_all(from_first_sound([audio(1), audio(2), *speech[:1]])) == [1, 2, 100]
    assert from_first_sound(quiet) == [], "nothing but silence: nothing to replay"


def test_an_activity_signal_counts_as_the_start_of_the_utterance() -> None:
    quiet = [audio(i) for i in range(30)]
    items = from_first_sound([*quiet, other("activity", "start"), *quiet])
    assert len(items) == REPLAY_LEAD_IN_CHUNKS + 1 + 30
    assert send_all(items)[REPLAY_LEAD_IN_CHUNKS] == "start"


def test_dbfs_of_silence_full_scale_and_odd_lengths() -> None:
    assert dbfs(b"") == -120.0 and dbfs(b"\0\0" * 10) == -120.0
    full = np.full(160, -32768, np.int16).tobytes()
    assert abs(dbfs(full)) < 1e-6
    half = np.full(160, 16384, np.int16).tobytes()
    assert abs(dbfs(half + b"\x7f") - 20 * np.log10(0.5)) < 1e-3, "a stray byte is ignored"
