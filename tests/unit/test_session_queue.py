"""The outgoing queue drops stale audio under back-pressure, never control messages."""

from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint
from gemini_desk.live.session import MAX_QUEUED_CHUNKS, LiveSession


def make() -> LiveSession:
    return LiveSession(Endpoint(api_key="k", base_url="https://127.0.0.1:9"), Settings(), print)


def test_activity_start_survives_a_stalled_connection() -> None:
    session = make()
    session.send_activity_start()
    for i in range(MAX_QUEUED_CHUNKS + 50):
        session.send_audio(i.to_bytes(2, "little"))
    session.send_activity_end()
    items = session.take_unsent()
    kinds = [item.kind for item in items]
    assert kinds[0] == "activity_start" and kinds[-1] == "activity_end"
    audio = [item for item in items if item.kind == "audio"]
    assert len(audio) == MAX_QUEUED_CHUNKS
    assert session.dropped_chunks == 50
    # The oldest audio went; the newest is kept, in order.
    assert audio[0].data == (50).to_bytes(2, "little")
    assert audio[-1].data == (MAX_QUEUED_CHUNKS + 49).to_bytes(2, "little")


def test_text_and_video_are_never_dropped() -> None:
    session = make()
    session.send_text("hello")
    session.send_video(b"jpeg")
    for _ in range(MAX_QUEUED_CHUNKS * 2):
        session.send_audio(b"\0\0")
    kinds = [item.kind for item in session.take_unsent()]
    assert kinds[:2] == ["text", "video"]


def test_enqueue_restores_order_and_counts() -> None:
    a, b = make(), make()
    a.send_activity_start()
    a.send_audio(b"\1\0")
    b.enqueue(a.take_unsent())
    assert [i.kind for i in b.take_unsent()] == ["activity_start", "audio"]
    assert a.take_unsent() == []
