"""The reconnect machine's "Retry now" and the waits it tells, by cause."""

from __future__ import annotations

import pytest

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import ErrorKind, RetryWait, SessionError, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.live.reconnect_types import (
    CancelTimer,
    ConnectionClosed,
    ConnectionReady,
    ConnectRequested,
    EmitState,
    RetryNow,
    StartConnection,
    StartTimer,
    Timer,
    TimerFired,
)
from tests.unit.test_reconnect import Rig

RECONNECTING, CONNECTED = SessionState.RECONNECTING, SessionState.CONNECTED
RETRY, GRACE = Timer.RETRY, Timer.GRACE


def network(said: MessageId) -> SessionError:
    return SessionError(ErrorKind.NETWORK, message(said), "detail", retryable=True)


REFUSED = network(MessageId.CONNECTION_REFUSED)


def test_retry_now_starts_the_next_attempt_at_once() -> None:
    rig = Rig(Backoff(base=4.0, factor=2.0, cap=30.0, jitter=0.0))
    rig(ConnectRequested(), at=0.0)  # connection 1 is pending
    out = rig(ConnectionClosed(1, REFUSED), at=0.1)
    assert EmitState(RECONNECTING, message(MessageId.RETRY_REFUSED, 4), RetryWait(4.0, 1)) in out
    assert StartTimer(RETRY, 4.0) in out
    assert rig(RetryNow(), at=1.0) == [CancelTimer(RETRY), StartConnection(2, None, seeded=False)]
    # The timer that was cancelled fires nothing; the new attempt succeeds.
    assert rig(TimerFired(RETRY), at=4.1) == []
    assert EmitState(CONNECTED) in rig(ConnectionReady(2), at=1.2)


def test_retry_now_does_nothing_while_no_wait_is_running() -> None:
    rig = Rig()
    assert rig(RetryNow()) == []  # not started
    rig(ConnectRequested())
    assert rig(RetryNow()) == [], "an attempt is already under way"
    rig(ConnectionReady(1))
    assert rig(RetryNow()) == [], "connected"


def test_a_second_failure_after_retry_now_waits_longer_and_counts_a_new_wait() -> None:
    rig = Rig(Backoff(base=1.0, factor=2.0, cap=30.0, jitter=0.0))
    rig(ConnectRequested(), at=0.0)
    rig(ConnectionClosed(1, REFUSED), at=0.0)
    rig(RetryNow(), at=0.5)
    out = rig(ConnectionClosed(2, REFUSED), at=0.6)
    assert EmitState(RECONNECTING, message(MessageId.RETRY_REFUSED, 2), RetryWait(2.0, 2)) in out


def test_the_same_wait_twice_is_told_twice() -> None:
    """Each wait starts its own countdown, even when its words are the same."""
    rig = Rig(Backoff(base=8.0, factor=1.0, cap=8.0, jitter=0.0))
    rig(ConnectRequested(), at=0.0)
    first = rig(ConnectionClosed(1, REFUSED), at=0.0)
    rig(TimerFired(RETRY), at=8.0)
    second = rig(ConnectionClosed(2, REFUSED), at=8.1)
    shown = [c for c in first + second if isinstance(c, EmitState)]
    assert [c.retry for c in shown] == [RetryWait(8.0, 1), RetryWait(8.0, 2)]


@pytest.mark.parametrize(
    ("cause", "wait"),
    [
        (MessageId.CONNECTION_REFUSED, MessageId.RETRY_REFUSED),
        (MessageId.HOST_NOT_FOUND, MessageId.RETRY_DNS),
        (MessageId.TLS_FAILED, MessageId.RETRY_TLS),
        (MessageId.NETWORK_UNREACHABLE, MessageId.RETRY_NETWORK),
    ],
)
def test_each_network_cause_has_its_own_wait(cause: MessageId, wait: MessageId) -> None:
    rig = Rig(Backoff(base=2.0, factor=2.0, cap=30.0, jitter=0.0))
    rig(ConnectRequested())
    out = rig(ConnectionClosed(1, network(cause)))
    [shown] = [c for c in out if isinstance(c, EmitState)]
    assert shown.detail == message(wait, 2)
