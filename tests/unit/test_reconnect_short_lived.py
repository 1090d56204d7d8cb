"""Hand-overs that do not last back off like failures (issue 18, finding 11).

A server that sends goAway (or closes with its age limit) right after every setup must
not get a new connection at once each time: the machine spaces them by the backoff, and
only a connection that stays up starts the backoff over.
"""

from __future__ import annotations

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import RetryWait, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.live.reconnect_policy import STABLE_S
from gemini_desk.live.reconnect_types import (
    CancelTimer,
    CloseConnection,
    ConnectionClosed,
    ConnectionReady,
    EmitState,
    FlushOutbox,
    GoAwayReceived,
    HandleIssued,
    ReclaimUnsent,
    ReplayOpenUtterance,
    StartConnection,
    StartTimer,
    Timer,
    TimerFired,
)
from tests.unit.test_reconnect import GRACE_S, SESSION_LIMIT, Rig

RECONNECTING, CONNECTED = SessionState.RECONNECTING, SessionState.CONNECTED
RETRY, GRACE, STABLE = Timer.RETRY, Timer.GRACE, Timer.STABLE


def short_lived(seconds: int, attempt: int) -> EmitState:
    wait = RetryWait(float(seconds), attempt)
    return EmitState(RECONNECTING, message(MessageId.RETRY_SHORT_LIVED, seconds), wait)


def test_a_go_away_storm_is_spaced_by_the_backoff() -> None:
    """Every connection gets goAway 0.1 s after its setup: each next one waits longer."""
    rig = Rig(Backoff(base=1.0, factor=2.0, cap=8.0, jitter=0.0))
    rig.up(ago=0)  # connection 1, ready at 0
    assert rig(GoAwayReceived(1), at=0.1) == [
        CancelTimer(STABLE),
        ReclaimUnsent(1),
        ReplayOpenUtterance(1),
        StartTimer(GRACE, GRACE_S),
        short_lived(1, 1),
        StartTimer(RETRY, 1.0),
    ], "no new connection at once: it waits like after a failure"
    assert rig(TimerFired(GRACE), at=0.1 + GRACE_S) == [], "the wait text stays"
    assert rig(TimerFired(RETRY), at=1.1) == [StartConnection(2, "h1", seeded=False)]
    assert rig(ConnectionReady(2), at=1.2) == [
        FlushOutbox(2),
        StartTimer(STABLE, STABLE_S),
        EmitState(CONNECTED),
        CloseConnection(1),
    ]
    assert rig(HandleIssued(2, "h2"), at=1.2) == []
    now, conn, delays = 1.2, 2, []
    for attempt in range(2, 7):  # the storm goes on: 2, 4, 8, 8, 8 s apart
        out = rig(GoAwayReceived(conn), at=now + 0.1)
        assert not [c for c in out if isinstance(c, StartConnection)], out
        [delay] = [c.delay for c in out if isinstance(c, StartTimer) and c.timer is RETRY]
        assert short_lived(int(delay), attempt) in out
        delays.append(delay)
        now += 0.1 + delay
        rig(TimerFired(GRACE), at=now)
        assert rig(TimerFired(RETRY), at=now) == [StartConnection(conn + 1, "h2", seeded=False)]
        rig(ConnectionReady(conn + 1), at=now)
        rig(ConnectionClosed(conn), at=now)
        conn += 1
    assert delays == [2.0, 4.0, 8.0, 8.0, 8.0]
    assert rig.machine.handovers == 6
    assert all(cause == "short_lived" for cause, _ in rig.machine.recoveries)


def test_a_connection_that_stays_up_ends_the_storm_backoff() -> None:
    rig = Rig(Backoff(base=1.0, factor=2.0, cap=8.0, jitter=0.0))
    rig.up(ago=0)
    rig(GoAwayReceived(1), at=0.1)
    rig(TimerFired(RETRY), at=1.1)
    rig(ConnectionReady(2), at=1.2)
    assert rig.backoff.attempts == 1, "a short-lived hand-over does not start over"
    rig(TimerFired(STABLE), at=1.2 + STABLE_S)
    assert rig.backoff.attempts == 0
    out = rig(GoAwayReceived(2), at=600.0)  # the service's planned hand-over
    assert out[-1] == StartConnection(3, "h1", seeded=False), "hands over at once"


def test_the_age_limit_right_after_setup_backs_off_too() -> None:
    rig = Rig(Backoff(base=1.0, factor=2.0, cap=8.0, jitter=0.0))
    rig.up(ago=0)
    out = rig(ConnectionClosed(1, SESSION_LIMIT), at=0.2)
    assert not [c for c in out if isinstance(c, StartConnection)], out
    assert out[-1] == StartTimer(RETRY, 1.0)
    assert rig(TimerFired(RETRY), at=1.2) == [StartConnection(2, "h1", seeded=False)]


def test_a_setup_change_right_after_connecting_hands_over_at_once() -> None:
    """Our own hand-over (the tools on offer changed) is no storm from the service."""
    rig = Rig()
    rig.up(ago=0)
    out = rig(GoAwayReceived(1, cause="setup"), at=0.1)
    assert out[-1] == StartConnection(2, "h1", seeded=False)
