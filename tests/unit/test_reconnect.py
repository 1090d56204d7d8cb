"""The reconnect machine, event by event: the commands each behaviour comes down to."""

from __future__ import annotations

import pytest

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import ErrorKind, RetryWait, SessionError, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.live.reconnect import ReconnectMachine
from gemini_desk.live.reconnect_policy import (
    FRESH_SESSION,
    HANDLE_TTL_S,
    QUOTA_WAIT_S,
    RECONNECTING_GRACE_S,
    STABLE_S,
)
from gemini_desk.live.reconnect_types import (
    CancelTimer,
    CloseConnection,
    CloseCutTurn,
    CloseRequested,
    Command,
    ConnectionClosed,
    ConnectionReady,
    ConnectRequested,
    ContentReceived,
    EmitNotice,
    EmitState,
    Event,
    FlushOutbox,
    GiveUp,
    GoAwayReceived,
    HandleIssued,
    ReclaimUnsent,
    ReplayOpenUtterance,
    StartConnection,
    StartTimer,
    Stopped,
    Timer,
    TimerFired,
    TurnCompleted,
)

CONNECTING, CONNECTED = SessionState.CONNECTING, SessionState.CONNECTED
RECONNECTING, CLOSING = SessionState.RECONNECTING, SessionState.CLOSING
DISCONNECTED = SessionState.DISCONNECTED
RETRY, GRACE, STABLE = Timer.RETRY, Timer.GRACE, Timer.STABLE
GRACE_S = RECONNECTING_GRACE_S


def error(kind: ErrorKind, retryable: bool | None = None) -> SessionError:
    """A classified error as live/errors.py makes them (retryable unless it needs the user)."""
    if retryable is None:
        retryable = kind not in (
            ErrorKind.BAD_KEY,
            ErrorKind.UNKNOWN_MODEL,
            ErrorKind.REJECTED_SETTING,
        )
    said = message(MessageId.UNEXPECTED)  # the words do not matter to the machine
    return SessionError(kind, said, f"{kind.value} detail", retryable)


NETWORK, SERVER, QUOTA = error(ErrorKind.NETWORK), error(ErrorKind.SERVER), error(ErrorKind.QUOTA)
SESSION_LIMIT, BAD_KEY = error(ErrorKind.SESSION_LIMIT), error(ErrorKind.BAD_KEY)


class Rig:
    """A machine with a fake clock: ``rig(event, at=t)`` feeds ``event`` at time ``t``."""

    def __init__(self, backoff: Backoff | None = None, **kwargs: float) -> None:
        self.backoff = backoff or Backoff(base=1.0, factor=2.0, cap=8.0, jitter=0.0)
        self.machine = ReconnectMachine(backoff=self.backoff, **kwargs)  # type: ignore[arg-type]
        self.now = 0.0

    def __call__(self, event: Event, at: float | None = None) -> list[Command]:
        if at is not None:
            self.now = at
        return self.machine.handle(event, self.now)

    def up(self, handle: str | None = "h1", ago: float = 600.0) -> None:
        """Connection 1 is up since ``ago`` seconds before now (and issued ``handle``
        now): by default long enough that a goAway to it is a planned hand-over."""
        now = self.now
        assert self(ConnectRequested(), at=now - ago) == [
            EmitState(CONNECTING),
            StartConnection(1, None, seeded=False),
        ]
        assert self(ConnectionReady(1)) == [
            FlushOutbox(1),
            StartTimer(STABLE, STABLE_S),
            EmitState(CONNECTED),
        ]
        self.now = now
        if handle is not None:
            assert self(HandleIssued(1, handle)) == []


# --- connecting ------------------------------------------------------------------------
def test_connect_starts_fresh_and_flushes_what_waited_once_ready() -> None:
    rig = Rig()
    rig.up()
    assert rig.machine.current == 1 and rig.machine.state is CONNECTED
    assert rig(ConnectRequested()) == [], "one conversation per machine"
    assert rig.machine.recoveries == [], "the first connect is no recovery"


def test_a_failing_first_connect_retries_and_shows_reconnecting_after_the_grace() -> None:
    rig = Rig(Backoff(base=0.25, cap=8.0, jitter=0.0))
    rig(ConnectRequested())
    assert rig(ConnectionClosed(1, NETWORK), at=1.0) == [
        ReclaimUnsent(1),
        StartTimer(GRACE, GRACE_S),
        StartTimer(RETRY, 0.25),  # shorter than the grace: nothing shown yet
    ]
    assert rig.machine.state is CONNECTING
    assert rig(TimerFired(RETRY), at=1.25) == [StartConnection(2, None, seeded=False)]
    assert rig(TimerFired(GRACE), at=1.3) == [EmitState(RECONNECTING)]
    assert rig(ConnectionReady(2), at=1.5) == [
        FlushOutbox(2),
        StartTimer(STABLE, STABLE_S),
        EmitState(CONNECTED),
    ]
    assert rig.machine.recoveries == [("connect", 0.5)]


# --- goAway ----------------------------------------------------------------------------
def test_go_away_hands_over_while_the_old_connection_finishes_its_answer() -> None:
    rig = Rig()
    rig.up()
    rig(ContentReceived(1))  # mid-answer
    assert rig(GoAwayReceived(1), at=10.0) == [
        CancelTimer(STABLE),
        ReclaimUnsent(1),  # what it had not sent goes to the next connection...
        ReplayOpenUtterance(1),  # ...after what it heard of an unanswered utterance
        StartTimer(GRACE, GRACE_S),
        StartConnection(2, "h1", seeded=False),
    ]
    assert rig.machine.current is None and rig.machine.retiring == (1,)
    assert rig(ConnectionReady(2), at=10.1) == [
        FlushOutbox(2),
        CancelTimer(GRACE),
        StartTimer(STABLE, STABLE_S),
    ], "never shown: the hand-over took less than the grace time"
    assert rig(ContentReceived(1)) == [], "still answering"
    assert rig(TurnCompleted(1)) == [CloseConnection(1)]
    assert rig(ConnectionClosed(1)) == [ReclaimUnsent(1), FlushOutbox(2)]
    assert rig.machine.handovers == 1 and rig.machine.reconnects == 0
    [(cause, seconds)] = rig.machine.recoveries
    assert cause == "go_away" and seconds == pytest.approx(0.1)


def test_an_idle_old_connection_is_closed_once_the_new_one_is_ready() -> None:
    rig = Rig()
    rig.up()
    rig(GoAwayReceived(1))
    assert rig(TimerFired(GRACE), at=GRACE_S) == [EmitState(RECONNECTING)]
    assert rig(ConnectionReady(2), at=1.0) == [
        FlushOutbox(2),
        StartTimer(STABLE, STABLE_S),
        EmitState(CONNECTED),
        CloseConnection(1),
    ]


def test_handles_come_from_the_ready_connection_only() -> None:
    rig = Rig()
    rig.up()
    rig(GoAwayReceived(1))
    rig(HandleIssued(1, "h1-late"))  # no connection ready: the newest still counts
    rig(HandleIssued(2, "h2-early"))
    rig(ConnectionReady(2))
    rig(HandleIssued(1, "h1-stale"))
    rig(HandleIssued(2, "h2-unresumable", resumable=False))
    assert rig.machine.resume_handle(rig.now) == "h2-early"


def test_go_away_from_a_connection_that_is_not_current_is_ignored() -> None:
    rig = Rig()
    rig.up()
    rig(GoAwayReceived(1))
    assert rig(GoAwayReceived(1)) == [] and rig(GoAwayReceived(2)) == []
    assert rig.machine.handovers == 1


# --- retries ---------------------------------------------------------------------------
def test_retries_wait_longer_each_time_up_to_the_cap() -> None:
    rig = Rig()
    rig.up()
    assert rig(ConnectionClosed(1, NETWORK), at=100.0) == [
        CancelTimer(STABLE),
        ReclaimUnsent(1),
        ReplayOpenUtterance(1),
        StartTimer(GRACE, GRACE_S),
        EmitState(RECONNECTING, message(MessageId.RETRY_NETWORK, 1), RetryWait(1.0, 1)),
        StartTimer(RETRY, 1.0),
    ]
    assert rig.machine.reconnects == 1
    delays = []
    for conn in range(2, 7):
        assert rig(TimerFired(RETRY)) == [StartConnection(conn, "h1", seeded=False)]
        out = rig(ConnectionClosed(conn, SERVER))
        assert out[0] == ReclaimUnsent(conn) and isinstance(out[-1], StartTimer)
        delays.append(out[-1].delay)
    assert delays == [2.0, 4.0, 8.0, 8.0, 8.0]
    assert rig.machine.detail == message(MessageId.RETRY_SERVER, 8)


def test_jittered_delays_stay_within_the_band() -> None:
    rig = Rig(Backoff(base=1.0, cap=8.0, jitter=0.5, rng=lambda: 1.0))
    rig.up()
    out = rig(ConnectionClosed(1, None))
    assert out[-2:] == [
        EmitState(RECONNECTING, message(MessageId.RETRY_LOST, 1), RetryWait(0.5, 1)),
        StartTimer(RETRY, 0.5),
    ]


def test_a_short_wait_shows_nothing_until_the_grace_time_passes() -> None:
    rig = Rig(Backoff(base=0.25, cap=8.0, jitter=0.0))
    rig.up()
    out = rig(ConnectionClosed(1, NETWORK), at=5.0)
    assert not [c for c in out if isinstance(c, EmitState)]
    assert rig(TimerFired(RETRY), at=5.25) == [StartConnection(2, "h1", seeded=False)]
    assert rig(ConnectionReady(2), at=5.29)[:2] == [FlushOutbox(2), CancelTimer(GRACE)]
    assert rig.machine.state is CONNECTED
    assert [c for c in rig(TimerFired(GRACE)) if isinstance(c, EmitState)] == []


def test_a_quota_error_waits_at_least_the_quota_time() -> None:
    rig = Rig(Backoff(base=0.25, cap=8.0, jitter=0.0))
    rig.up()
    assert rig(ConnectionClosed(1, QUOTA))[-2:] == [
        EmitState(RECONNECTING, message(MessageId.RETRY_QUOTA, 30), RetryWait(QUOTA_WAIT_S, 1)),
        StartTimer(RETRY, QUOTA_WAIT_S),
    ]
    short = Rig(Backoff(base=0.25, cap=8.0, jitter=0.0), quota_wait_s=0.6)
    short.up()
    assert short(ConnectionClosed(1, QUOTA))[-2:] == [
        EmitState(RECONNECTING, message(MessageId.RETRY_QUOTA, 1), RetryWait(0.6, 1)),
        StartTimer(RETRY, 0.6),
    ]


def test_the_grace_timer_leaves_the_wait_text_on_show() -> None:
    """A wait longer than the grace shows at once, saying why and when; the grace timer
    must not replace it with a plain RECONNECTING (it used to, hiding the reason)."""
    rig = Rig()
    rig.up()
    shown = rig(ConnectionClosed(1, NETWORK), at=1.0)
    assert any(isinstance(c, EmitState) and c.state is RECONNECTING and c.detail for c in shown)
    assert rig(TimerFired(GRACE), at=1.3) == []


def test_the_backoff_starts_over_once_a_connection_stays_up() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, NETWORK))  # 1 s
    rig(TimerFired(RETRY))
    rig(ConnectionReady(2))
    assert rig(ConnectionClosed(2, NETWORK))[-1] == StartTimer(RETRY, 2.0), "failed at once"
    rig(TimerFired(RETRY))
    rig(ConnectionReady(3))
    assert rig(TimerFired(STABLE)) == [], "up for STABLE_S"
    assert rig.backoff.attempts == 0
    assert rig(ConnectionClosed(3, NETWORK))[-1] == StartTimer(RETRY, 1.0)


def test_the_backoff_starts_over_after_a_go_away() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, NETWORK))
    rig(TimerFired(RETRY))
    rig(ConnectionReady(2))
    rig(GoAwayReceived(2), at=STABLE_S)  # just as the STABLE timer is due
    assert rig.backoff.attempts == 1
    rig(ConnectionReady(3))
    assert rig.backoff.attempts == 0
    assert rig(ConnectionClosed(3, NETWORK))[-1] == StartTimer(RETRY, 1.0)


def test_a_timer_that_fires_after_being_cancelled_is_ignored() -> None:
    rig = Rig()
    rig.up()
    rig(GoAwayReceived(1))
    rig(ConnectionReady(2))  # cancels the grace timer
    assert rig(TimerFired(GRACE)) == [] and rig(TimerFired(RETRY)) == []
    assert rig.machine.state is CONNECTED


# --- resumption ------------------------------------------------------------------------
def test_a_handle_older_than_its_lifetime_is_not_used() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, NETWORK), at=HANDLE_TTL_S - 2.0)
    assert rig(TimerFired(RETRY), at=HANDLE_TTL_S - 1.0) == [StartConnection(2, "h1", seeded=False)]
    rig(ConnectionClosed(2, NETWORK))
    assert rig.machine.resume_handle(HANDLE_TTL_S + 0.5) is None
    assert rig(TimerFired(RETRY), at=HANDLE_TTL_S + 0.5) == [StartConnection(3, None, seeded=True)]


def test_a_refused_handle_starts_a_fresh_seeded_session_and_says_so() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, SERVER))
    rig(TimerFired(RETRY))
    refusal = error(ErrorKind.REJECTED_SETTING)
    assert rig(ConnectionClosed(2, refusal)) == [
        ReclaimUnsent(2),
        StartConnection(3, None, seeded=True),
    ], "no error shown, no wait"
    assert rig.machine.resume_handle(rig.now) is None
    assert rig(ConnectionReady(3)) == [
        FlushOutbox(3),
        CancelTimer(GRACE),
        StartTimer(STABLE, STABLE_S),
        EmitNotice(FRESH_SESSION),
        EmitState(CONNECTED),
    ]
    assert rig.machine.fresh_starts == 1


def test_a_resumed_connection_that_fails_transiently_retries_with_the_handle() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, SERVER))
    rig(TimerFired(RETRY))
    assert rig(ConnectionClosed(2, NETWORK))[-1] == StartTimer(RETRY, 2.0)
    assert rig(TimerFired(RETRY)) == [StartConnection(3, "h1", seeded=False)]


def test_resumption_off_always_starts_fresh() -> None:
    rig = Rig(resumption=False)
    rig(ConnectRequested())
    rig(ConnectionReady(1))
    rig(HandleIssued(1, "h1"))
    rig(ConnectionClosed(1, NETWORK))
    assert rig(TimerFired(RETRY)) == [StartConnection(2, None, seeded=True)]


def test_the_service_age_limit_resumes_at_once_like_a_go_away() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, NETWORK))  # an earlier failure: the backoff has grown
    rig(TimerFired(RETRY))
    rig(ConnectionReady(2))
    assert rig(ConnectionClosed(2, SESSION_LIMIT), at=50.0) == [
        CancelTimer(STABLE),
        ReclaimUnsent(2),
        ReplayOpenUtterance(2),
        StartTimer(GRACE, GRACE_S),
        StartConnection(3, "h1", seeded=False),
    ], "no error, no wait, nothing shown"
    rig(ConnectionReady(3), at=50.2)
    assert rig.backoff.attempts == 0
    cause, seconds = rig.machine.recoveries[-1]
    assert cause == "deadline" and seconds == pytest.approx(0.2)


# --- errors that need the user ---------------------------------------------------------
@pytest.mark.parametrize(
    "kind", [ErrorKind.BAD_KEY, ErrorKind.UNKNOWN_MODEL, ErrorKind.REJECTED_SETTING]
)
def test_an_error_needing_the_user_ends_the_conversation(kind: ErrorKind) -> None:
    rig = Rig()
    rig(ConnectRequested())
    err = error(kind)
    assert rig(ConnectionClosed(1, err)) == [
        ReclaimUnsent(1),
        GiveUp(err),
        EmitState(DISCONNECTED),
        Stopped(),
    ]
    assert rig.machine.stopped
    assert rig(TimerFired(RETRY)) == [] and rig(CloseRequested()) == []


def test_a_key_revoked_mid_conversation_tries_resuming_then_fresh_then_gives_up() -> None:
    rig = Rig()
    rig.up()
    rig(ConnectionClosed(1, SERVER))
    rig(TimerFired(RETRY))  # connection 2 resumes
    assert rig(ConnectionClosed(2, BAD_KEY)) == [
        ReclaimUnsent(2),
        StartConnection(3, None, seeded=True),  # perhaps only the handle was refused
    ]
    assert rig(ConnectionClosed(3, BAD_KEY)) == [
        ReclaimUnsent(3),
        GiveUp(BAD_KEY),
        CancelTimer(GRACE),
        EmitState(DISCONNECTED),
        Stopped(),
    ]


def test_an_unretryable_failure_of_the_ready_connection_ends_the_conversation() -> None:
    untrusted = error(ErrorKind.NETWORK, retryable=False)  # e.g. a certificate
    rig = Rig()
    rig.up()
    assert rig(ConnectionClosed(1, untrusted)) == [
        CancelTimer(STABLE),
        ReclaimUnsent(1),
        ReplayOpenUtterance(1),
        StartTimer(GRACE, GRACE_S),
        GiveUp(untrusted),
        CancelTimer(GRACE),
        EmitState(DISCONNECTED),
        Stopped(),
    ]


def test_giving_up_during_a_hand_over_waits_for_the_old_connection() -> None:
    rig = Rig()
    rig.up()
    rig(ContentReceived(1))
    rig(GoAwayReceived(1))
    out = rig(ConnectionClosed(2, BAD_KEY))  # resumed: counts as a refused handle
    assert out == [ReclaimUnsent(2), StartConnection(3, None, seeded=True)]
    assert rig(ConnectionClosed(3, BAD_KEY)) == [
        ReclaimUnsent(3),
        GiveUp(BAD_KEY),
        CancelTimer(GRACE),
        CloseConnection(1),
    ]
    assert rig.machine.state is CONNECTED, "DISCONNECTED only once every connection closed"
    assert rig(ConnectionClosed(1)) == [EmitState(DISCONNECTED), Stopped()]


# --- cut turns -------------------------------------------------------------------------
def test_an_answer_cut_off_with_its_connection_ends_its_turn() -> None:
    rig = Rig()
    rig.up()
    rig(ContentReceived(1))
    assert CloseCutTurn() in rig(ConnectionClosed(1, NETWORK))
    rig(TimerFired(RETRY))
    rig(ConnectionReady(2))
    rig(ContentReceived(2))
    rig(TurnCompleted(2))
    assert CloseCutTurn() not in rig(ConnectionClosed(2, NETWORK)), "its turn had ended"


def test_a_cut_turn_stays_open_while_another_connection_is_mid_answer() -> None:
    rig = Rig()
    rig.up()
    rig(ContentReceived(1))
    rig(GoAwayReceived(1))
    rig(ConnectionReady(2))
    rig(ContentReceived(2))
    assert rig(ConnectionClosed(1)) == [ReclaimUnsent(1), FlushOutbox(2)]
    assert CloseCutTurn() in rig(ConnectionClosed(2, NETWORK))


# --- closing ---------------------------------------------------------------------------
def test_close_leaves_every_connection_then_disconnects() -> None:
    rig = Rig()
    rig.up()
    rig(ContentReceived(1))
    rig(GoAwayReceived(1))
    assert rig(CloseRequested()) == [
        EmitState(CLOSING),
        CancelTimer(GRACE),
        CloseConnection(1),
        CloseConnection(2),
    ]
    assert rig.machine.current is None and rig.machine.pending is None
    assert rig(ConnectionReady(2)) == [], "too late"
    assert rig(ConnectionClosed(2)) == []
    assert rig(ConnectionClosed(1, NETWORK)) == [EmitState(DISCONNECTED), Stopped()]
    assert rig(CloseRequested()) == [] and rig(ConnectRequested()) == []


def test_close_before_connecting_disconnects_at_once() -> None:
    rig = Rig()
    assert rig(CloseRequested()) == [EmitState(CLOSING), EmitState(DISCONNECTED), Stopped()]
    assert rig(ConnectRequested()) == []


def test_seed_first_seeds_the_first_connection_without_a_notice() -> None:
    """A conversation that already has turns (a talk-mode switch, a continued one): the
    first connection carries them as context, and nothing is announced."""
    rig = Rig(seed_first=True)
    assert rig(ConnectRequested(), at=0.0) == [
        EmitState(CONNECTING),
        StartConnection(1, None, seeded=True),
    ]
    assert EmitNotice(FRESH_SESSION) not in rig(ConnectionReady(1))
    assert rig(HandleIssued(1, "h1")) == []
    go_away = rig(GoAwayReceived(1, "go_away"), at=700.0)
    assert StartConnection(2, "h1", seeded=False) in go_away, "a resumed one needs none"
