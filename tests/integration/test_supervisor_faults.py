"""A misbehaving server against the real SDK (issue 18, findings 10-12): no setup reply,
a goAway storm, frames that cannot be read."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from gemini_desk.core.events import (
    ErrorKind,
    LiveEvent,
    ModelText,
    SessionError,
    SessionState,
    StateChanged,
)
from gemini_desk.core.messages import MessageId
from gemini_desk.core.settings import Settings
from gemini_desk.live.session import BAD_FRAME_LIMIT, LiveSession
from gemini_desk.live.supervisor import SessionSupervisor
from tests.support.misbehaving_live import (
    GO_AWAY,
    SETUP_COMPLETE,
    TURN_COMPLETE,
    MisbehavingLive,
    Step,
    handle_update,
    model_audio,
    model_text,
    wait_until,
)

LOG_PREFIX = 200  # at most this much of a bad frame reaches the log


def run(coro) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(asyncio.wait_for(coro, 60))


def states(events: list[LiveEvent]) -> list[SessionState]:
    return [e.state for e in events if isinstance(e, StateChanged)]


def errors(events: list[LiveEvent]) -> list[SessionError]:
    return [e for e in events if isinstance(e, SessionError)]


def texts(events: list[LiveEvent]) -> list[str]:
    return [e.text for e in events if isinstance(e, ModelText)]


def resumed_with(setup: dict[str, Any]) -> str | None:
    body = setup.get("setup", {})
    resumption = body.get("sessionResumption") or body.get("session_resumption") or {}
    handle = resumption.get("handle")
    return str(handle) if handle else None


WORKING: list[Step] = [SETUP_COMPLETE, model_text("back"), TURN_COMPLETE, None]


# --- finding 10: no setup reply ----------------------------------------------------------
def test_a_server_that_never_finishes_the_setup_times_out_into_a_retryable_error(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with MisbehavingLive(lambda n: [None], tmp_path) as server:
            events: list[LiveEvent] = []
            session = LiveSession(server.endpoint, Settings(), events.append, setup_timeout_s=0.5)
            started = time.monotonic()
            await asyncio.wait_for(session.run(), 10)
            took = time.monotonic() - started
        assert 0.5 <= took < 5, took
        [error] = errors(events)
        assert error.kind is ErrorKind.SERVER and error.retryable
        assert error.message.id is MessageId.SETUP_TIMEOUT
        assert states(events) == [SessionState.CONNECTING, SessionState.DISCONNECTED]
        [conn] = server.connections
        assert conn.setup, "the setup went out; only its reply never came"

    run(main())


def test_the_supervisor_retries_after_a_setup_timeout(tmp_path: Path) -> None:
    async def main() -> None:
        script = lambda n: [None] if n == 1 else WORKING  # noqa: E731
        async with MisbehavingLive(script, tmp_path) as server:
            events: list[LiveEvent] = []
            sup = SessionSupervisor(server.endpoint, Settings(), events.append, setup_timeout_s=0.5)
            task = asyncio.create_task(sup.run())
            await wait_until(lambda: "back" in texts(events), 10, "the second connection")
            assert len(server.connections) == 2
            assert not errors(events), "retryable: no error for the user"
            await sup.close()
            await task

    run(main())


# --- finding 11: a goAway storm ------------------------------------------------------------
def test_a_go_away_storm_gets_only_a_handful_of_connections(tmp_path: Path) -> None:
    """goAway right after every setup: connections come ever further apart."""

    async def main() -> None:
        script = lambda n: [SETUP_COMPLETE, handle_update(f"h{n}"), GO_AWAY, None]  # noqa: E731
        async with MisbehavingLive(script, tmp_path) as server:
            events: list[LiveEvent] = []
            sup = SessionSupervisor(server.endpoint, Settings(), events.append)
            task = asyncio.create_task(sup.run())
            started = time.monotonic()
            await wait_until(lambda: len(server.connections) >= 5, 20, "five connections")
            took = time.monotonic() - started
            await sup.close()
            await task
        # The default backoff (0.25 s doubling, jitter down to half) waits at least
        # 0.125 + 0.25 + 0.5 + 1 s between the first five; without it they come at once.
        assert took >= 1.8, f"5 connections in {took:.2f} s"
        opened = [c.opened for c in server.connections]
        gaps = [b - a for a, b in itertools.pairwise(opened)]
        assert gaps[3] > gaps[0], gaps
        assert not errors(events)
        shown = [
            e.detail.id for e in events if isinstance(e, StateChanged) and e.detail is not None
        ]
        assert MessageId.RETRY_SHORT_LIVED in shown
        assert resumed_with(server.connections[1].setup) == "h1", "still resuming"

    run(main())


# --- finding 12: frames that cannot be read ----------------------------------------------
HUGE_JUNK = b"<" + b"x" * 1_000_000  # not JSON, just under the SDK's 1 MiB frame limit


def test_a_bad_frame_is_skipped_counted_and_logged_short(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> None:
        script = lambda n: [  # noqa: E731
            SETUP_COMPLETE,
            HUGE_JUNK,
            model_text("still here"),
            model_audio(b"", b64="@@@ not base64 @@@"),
            model_text("and here"),
            TURN_COMPLETE,
            None,
        ]
        async with MisbehavingLive(script, tmp_path) as server:
            events: list[LiveEvent] = []
            session = LiveSession(server.endpoint, Settings(), events.append)
            task = asyncio.create_task(session.run())
            await wait_until(lambda: "and here" in texts(events), 10, "the text after")
            assert session.bad_frames == 2
            assert states(events)[-1] is SessionState.CONNECTED
            await session.close()
            await task
        assert texts(events) == ["still here", "and here"]
        assert not errors(events)
        assert len(server.connections) == 1
        lines = [r.getMessage() for r in caplog.records if r.name.startswith("gemini_desk")]
        assert max(len(line) for line in lines) < LOG_PREFIX + 200, "a short prefix only"
        assert any("xxxx" in line for line in lines), "the prefix is in the log"

    with caplog.at_level(logging.INFO):
        run(main())


def test_repeated_bad_frames_reconnect_with_resumption(tmp_path: Path) -> None:
    async def main() -> None:
        bad = [b"not json"] * BAD_FRAME_LIMIT
        script = lambda n: (  # noqa: E731
            [SETUP_COMPLETE, handle_update("h1"), *bad, None] if n == 1 else WORKING
        )
        async with MisbehavingLive(script, tmp_path) as server:
            events: list[LiveEvent] = []
            sup = SessionSupervisor(server.endpoint, Settings(), events.append)
            task = asyncio.create_task(sup.run())
            await wait_until(lambda: "back" in texts(events), 10, "the next connection")
            await sup.close()
            await task
        assert len(server.connections) == 2
        assert resumed_with(server.connections[1].setup) == "h1"
        assert not errors(events), "retryable: the conversation goes on"

    run(main())


def test_too_many_bad_frames_end_a_lone_session_with_a_retryable_error(tmp_path: Path) -> None:
    async def main() -> None:
        bad = [model_audio(b"", b64="!!")] * BAD_FRAME_LIMIT
        async with MisbehavingLive(lambda n: [SETUP_COMPLETE, *bad, None], tmp_path) as server:
            events: list[LiveEvent] = []
            session = LiveSession(server.endpoint, Settings(), events.append)
            await asyncio.wait_for(session.run(), 10)
        [error] = errors(events)
        assert error.retryable and error.kind is ErrorKind.SERVER
        assert error.message.id is MessageId.BAD_FRAMES
        assert len(error.detail) < LOG_PREFIX + 100

    run(main())


def test_an_unreadable_setup_reply_is_retried(tmp_path: Path) -> None:
    async def main() -> None:
        script = lambda n: [HUGE_JUNK, None] if n == 1 else WORKING  # noqa: E731
        async with MisbehavingLive(script, tmp_path) as server:
            events: list[LiveEvent] = []
            sup = SessionSupervisor(server.endpoint, Settings(), events.append)
            task = asyncio.create_task(sup.run())
            await wait_until(lambda: "back" in texts(events), 10, "the second connection")
            await sup.close()
            await task
        assert not errors(events)

    run(main())


def test_an_untrusted_certificate_is_still_no_bad_frame(tmp_path: Path) -> None:
    """ssl's verification error is a ValueError too: it must stay a TLS error."""

    async def main() -> None:
        async with MisbehavingLive(lambda n: WORKING, tmp_path) as server:
            untrusted = dataclasses.replace(server.endpoint, ca_file=None)
            events: list[LiveEvent] = []
            await asyncio.wait_for(LiveSession(untrusted, Settings(), events.append).run(), 10)
        [error] = errors(events)
        assert error.message.id is MessageId.TLS_UNVERIFIED and not error.retryable

    run(main())
