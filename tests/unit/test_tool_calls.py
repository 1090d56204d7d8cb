"""The tool call machine, event by event: the commands each behaviour comes down to."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest

from gemini_desk.core.tools import (
    ApprovalRequest,
    CallState,
    ToolCallRecord,
    ToolPolicy,
    ToolResult,
    ToolSpec,
)
from gemini_desk.tools.call_types import (
    AskUser,
    BargeIn,
    CallArrived,
    Cancelled,
    CancelTimer,
    Command,
    ConnectionEnded,
    Event,
    Record,
    RememberAlways,
    RunFinished,
    SendResponse,
    Shutdown,
    StartRun,
    StartTimer,
    StopRun,
    TimerFired,
    UserDecided,
    WithdrawAsk,
)
from gemini_desk.tools.calls import SUMMARY_CHARS, CallMachine, shorten

WALL = 1_700_000_000.0
SPEC = ToolSpec(
    "lookup", "Looks a word up.", {"type": "OBJECT"}, timeout_s=5.0, scheduling="INTERRUPT"
)
OTHER = ToolSpec("other_tool", "Another tool.", timeout_s=2.0)
ARGS = {"word": "tool"}
ALLOW, ASK, NEVER = ToolPolicy.ALLOW, ToolPolicy.ASK, ToolPolicy.NEVER
OK = ToolResult("ok", "Found 3 meanings.", data={"meanings": 3})


def machine(approval_timeout_s: float = 60.0) -> CallMachine:
    return CallMachine(approval_timeout_s=approval_timeout_s, wall_clock=lambda: WALL)


def arrive(
    call_id: str = "c1",
    *,
    spec: ToolSpec | None = SPEC,
    policy: ToolPolicy = ALLOW,
    origin: int = 1,
    non_blocking: bool = False,
    name: str | None = None,
) -> CallArrived:
    return CallArrived(
        call_id=call_id,
        name=name or (spec.name if spec else "nowhere"),
        args=ARGS,
        origin=origin,
        spec=spec,
        policy=policy,
        non_blocking=non_blocking,
    )


def rec(call_id: str = "c1", spec: ToolSpec = SPEC, **changes: Any) -> ToolCallRecord:
    base = ToolCallRecord(
        call_id=call_id,
        name=spec.name,
        args=ARGS,
        source=spec.source,
        state=CallState.RUNNING,
        started_at=WALL,
    )
    return dataclasses.replace(base, **changes)


def running(call_id: str = "c1", spec: ToolSpec = SPEC) -> list[Command]:
    return [
        StartRun(call_id, spec, ARGS),
        StartTimer(call_id, "run", spec.timeout_s),
        Record(rec(call_id, spec)),
    ]


def responses(commands: list[Command]) -> list[SendResponse]:
    return [c for c in commands if isinstance(c, SendResponse)]


def only_response(commands: list[Command]) -> SendResponse:
    found = responses(commands)
    assert len(found) == 1, commands
    return found[0]


def last_record(commands: list[Command]) -> ToolCallRecord:
    records = [c.record for c in commands if isinstance(c, Record)]
    assert records, commands
    return records[-1]


# --- run and finish ------------------------------------------------------------------------
def test_an_allowed_call_runs_and_its_result_goes_back_with_duration_and_summary() -> None:
    m = machine()
    assert m.handle(arrive(), 10.0) == running()
    assert m.open_calls == (rec(),)
    out = m.handle(RunFinished("c1", OK), 10.25)
    done = rec(state=CallState.DONE, duration_s=0.25, summary="Found 3 meanings.", status="ok")
    assert out == [
        CancelTimer("c1", "run"),
        SendResponse(
            1,
            "c1",
            "lookup",
            {
                "status": "ok",
                "retryable": False,
                "message": "Found 3 meanings.",
                "result": {"meanings": 3},
            },
            None,
        ),
        Record(done),
    ]
    assert m.open_calls == () and m.record("c1") is None


def test_a_non_blocking_call_is_answered_with_the_tools_scheduling() -> None:
    m = machine()
    m.handle(arrive(non_blocking=True), 0.0)
    assert only_response(m.handle(RunFinished("c1", OK), 1.0)).scheduling == "INTERRUPT"
    odd = dataclasses.replace(SPEC, scheduling="SOMETIMES")  # never sent as is
    m.handle(arrive("c2", spec=odd, non_blocking=True), 0.0)
    assert only_response(m.handle(RunFinished("c2", OK), 1.0)).scheduling == "WHEN_IDLE"


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("ok", CallState.DONE),
        ("no_results", CallState.DONE),
        ("error", CallState.FAILED),
        ("invalid_argument", CallState.FAILED),
        ("unavailable", CallState.FAILED),
        ("timeout", CallState.FAILED),
    ],
)
def test_a_result_is_done_or_failed_by_its_status(status: str, state: CallState) -> None:
    m = machine()
    m.handle(arrive(), 0.0)
    result = ToolResult(status, f"The tool says {status}.", retryable=status == "error")
    out = m.handle(RunFinished("c1", result), 2.0)
    assert only_response(out).response == result.response()
    record = last_record(out)
    assert (record.state, record.status, record.duration_s) == (state, status, 2.0)
    assert record.reason == ""


def test_the_summary_is_the_message_on_one_line_shortened() -> None:
    m = machine()
    m.handle(arrive(), 0.0)
    long = ToolResult("ok", "word\n" * 100)
    out = m.handle(RunFinished("c1", long), 1.0)
    summary = last_record(out).summary
    assert len(summary) == SUMMARY_CHARS and summary.endswith("…") and "\n" not in summary
    assert only_response(out).response["message"] == long.message  # the model gets it all
    assert shorten("  a \n b  ") == "a b"


def test_an_empty_message_is_never_sent() -> None:
    m = machine()
    m.handle(arrive(), 0.0)
    out = m.handle(RunFinished("c1", ToolResult("error", "  ")), 1.0)
    message = only_response(out).response["message"]
    assert "lookup" in message and "error" in message


# --- timeouts --------------------------------------------------------------------------------
def test_a_run_that_outlasts_its_timeout_is_stopped_and_answered_timeout() -> None:
    m = machine()
    m.handle(arrive(), 0.0)
    out = m.handle(TimerFired("c1", "run"), 5.0)
    assert out[0] == StopRun("c1")
    response = only_response(out).response
    assert response["status"] == "timeout" and response["retryable"] is False
    assert "lookup" in response["message"] and "5 seconds" in response["message"]
    record = last_record(out)
    assert (record.state, record.reason, record.status) == (CallState.FAILED, "timeout", "timeout")
    assert record.duration_s == 5.0
    assert m.handle(RunFinished("c1", OK), 6.0) == []  # too late: no second answer


def test_stale_timers_do_nothing() -> None:
    m = machine()
    m.handle(arrive(policy=ASK), 0.0)
    assert m.handle(TimerFired("c1", "run"), 1.0) == []  # not running yet
    m.handle(UserDecided("c1", "once"), 2.0)
    assert m.handle(TimerFired("c1", "approval"), 3.0) == []  # approved already
    m.handle(RunFinished("c1", OK), 4.0)
    assert m.handle(TimerFired("c1", "run"), 7.0) == []  # answered already
    assert m.handle(TimerFired("nobody", "run"), 7.0) == []


# --- asking the user -------------------------------------------------------------------------
def test_an_ask_call_shows_a_card_with_a_timeout_and_waits() -> None:
    m = machine(approval_timeout_s=45.0)
    out = m.handle(arrive(policy=ASK), 0.0)
    request = ApprovalRequest("c1", "lookup", ARGS, "builtin", "Looks a word up.", 45.0)
    assert out == [
        AskUser(request),
        StartTimer("c1", "approval", 45.0),
        Record(rec(state=CallState.WAITING)),
    ]
    assert m.record("c1") == rec(state=CallState.WAITING)


def test_allow_once_runs_the_call() -> None:
    m = machine()
    m.handle(arrive(policy=ASK), 0.0)
    out = m.handle(UserDecided("c1", "once"), 3.0)
    assert out == [CancelTimer("c1", "approval"), WithdrawAsk("c1"), *running()]
    # The duration is the run's, not the time the user took to decide.
    assert last_record(m.handle(RunFinished("c1", OK), 3.5)).duration_s == 0.5


def test_always_runs_the_call_and_remembers_the_choice() -> None:
    m = machine()
    m.handle(arrive(policy=ASK), 0.0)
    out = m.handle(UserDecided("c1", "always"), 1.0)
    assert out == [
        CancelTimer("c1", "approval"),
        WithdrawAsk("c1"),
        RememberAlways("lookup"),
        *running(),
    ]


def test_a_denial_is_a_clear_answer_to_the_model() -> None:
    m = machine()
    m.handle(arrive(policy=ASK, non_blocking=True), 0.0)
    out = m.handle(UserDecided("c1", "deny"), 2.0)
    assert out[:2] == [CancelTimer("c1", "approval"), WithdrawAsk("c1")]
    sent = only_response(out)
    assert sent.scheduling == "INTERRUPT"
    assert sent.response["status"] == "denied" and sent.response["retryable"] is False
    assert "declined" in sent.response["message"]
    assert "unless the user asks" in sent.response["message"]
    record = last_record(out)
    assert (record.state, record.reason, record.duration_s) == (CallState.DENIED, "user", None)
    assert record.summary == sent.response["message"]
    assert not any(isinstance(c, StartRun) for c in out)
    assert m.handle(UserDecided("c1", "once"), 3.0) == []  # decided already


def test_an_unanswered_card_times_out_into_a_denial() -> None:
    m = machine(approval_timeout_s=60.0)
    m.handle(arrive(policy=ASK), 0.0)
    out = m.handle(TimerFired("c1", "approval"), 60.0)
    assert out[0] == WithdrawAsk("c1")
    response = only_response(out).response
    assert response["status"] == "denied" and response["retryable"] is False
    assert "did not answer" in response["message"] and "60 seconds" in response["message"]
    record = last_record(out)
    assert (record.state, record.reason) == (CallState.DENIED, "timeout")
    assert m.handle(UserDecided("c1", "once"), 61.0) == []  # the card was too late


# --- calls that never run -------------------------------------------------------------------
def test_an_unknown_tool_is_answered_unavailable_naming_it() -> None:
    m = machine()
    out = m.handle(arrive(spec=None, name="launch_rockets", origin=3), 0.0)
    sent = only_response(out)
    assert (sent.origin, sent.call_id, sent.name) == (3, "c1", "launch_rockets")
    assert sent.response["status"] == "unavailable" and sent.response["retryable"] is False
    assert "launch_rockets" in sent.response["message"]
    assert "does not exist" in sent.response["message"]
    record = last_record(out)
    assert record.state is CallState.FAILED and record.status == "unavailable"
    assert len(out) == 2 and m.open_calls == ()


def test_a_tool_turned_off_is_denied_by_policy() -> None:
    m = machine()
    out = m.handle(arrive(policy=NEVER), 0.0)
    response = only_response(out).response
    assert response["status"] == "denied" and response["retryable"] is False
    assert "turned" in response["message"] and "off" in response["message"]
    assert "Do not call it again" in response["message"]
    record = last_record(out)
    assert (record.state, record.reason) == (CallState.DENIED, "policy")
    assert len(out) == 2


# --- cancellations: never an answer --------------------------------------------------------
@pytest.mark.parametrize("reason", ["server", "barge_in", "connection", "shutdown"])
def test_a_cancelled_running_call_is_stopped_and_never_answered(reason: str) -> None:
    m = machine()
    m.handle(arrive(origin=2), 0.0)
    event: Event = {
        "server": Cancelled(("c1",)),
        "barge_in": BargeIn(),
        "connection": ConnectionEnded(2),
        "shutdown": Shutdown(),
    }[reason]
    out = m.handle(event, 1.5)
    cancelled = rec(state=CallState.CANCELLED, duration_s=1.5, reason=reason)
    assert out == [StopRun("c1"), CancelTimer("c1", "run"), Record(cancelled)]
    assert m.handle(RunFinished("c1", OK), 2.0) == []  # the late result is dropped
    assert m.handle(TimerFired("c1", "run"), 5.0) == []


@pytest.mark.parametrize("reason", ["server", "barge_in", "connection", "shutdown"])
def test_a_cancelled_waiting_call_loses_its_card_and_is_never_answered(reason: str) -> None:
    m = machine()
    m.handle(arrive(policy=ASK), 0.0)
    event: Event = {
        "server": Cancelled(("c1",), "server"),
        "barge_in": BargeIn(),
        "connection": ConnectionEnded(1),
        "shutdown": Shutdown(),
    }[reason]
    out = m.handle(event, 1.0)
    cancelled = rec(state=CallState.CANCELLED, reason=reason)
    assert out == [WithdrawAsk("c1"), CancelTimer("c1", "approval"), Record(cancelled)]
    assert m.handle(UserDecided("c1", "once"), 2.0) == []


def test_a_cancellation_names_only_its_calls() -> None:
    m = machine()
    m.handle(arrive("a"), 0.0)
    m.handle(arrive("b"), 0.0)
    out = m.handle(Cancelled(("b", "never-seen")), 1.0)
    assert [c for c in out if isinstance(c, StopRun)] == [StopRun("b")]
    assert [r.call_id for r in m.open_calls] == ["a"]
    assert m.handle(Cancelled(("b",)), 2.0) == []  # cancelled already


def test_barge_in_cancels_blocking_calls_and_non_blocking_ones_go_on() -> None:
    m = machine()
    m.handle(arrive("blocking"), 0.0)
    m.handle(arrive("waiting", policy=ASK), 0.0)
    m.handle(arrive("background", non_blocking=True), 0.0)
    out = m.handle(BargeIn(), 1.0)
    ended = {c.record.call_id: c.record.reason for c in out if isinstance(c, Record)}
    assert ended == {"blocking": "barge_in", "waiting": "barge_in"}
    assert responses(out) == []
    assert [r.call_id for r in m.open_calls] == ["background"]
    sent = only_response(m.handle(RunFinished("background", OK), 2.0))
    assert sent.call_id == "background" and sent.scheduling == "INTERRUPT"


def test_shutdown_cancels_everything_and_refuses_later_calls() -> None:
    m = machine()
    m.handle(arrive("a"), 0.0)
    m.handle(arrive("b", policy=ASK), 0.0)
    out = m.handle(Shutdown(), 1.0)
    assert {c.record.call_id for c in out if isinstance(c, Record)} == {"a", "b"}
    assert responses(out) == [] and m.open_calls == ()
    late = m.handle(arrive("c"), 2.0)
    assert not any(isinstance(c, StartRun) for c in late)
    assert only_response(late).response["status"] == "unavailable"
    assert "closing" in only_response(late).response["message"]
    assert (last_record(late).state, last_record(late).reason) == (CallState.FAILED, "shutdown")


# --- reconnects and duplicates -------------------------------------------------------------
def test_a_connection_ending_cancels_only_its_own_calls() -> None:
    m = machine()
    m.handle(arrive("old", origin=1), 0.0)
    m.handle(arrive("new", origin=2), 0.5)
    out = m.handle(ConnectionEnded(1), 1.0)
    assert [c.record.call_id for c in out if isinstance(c, Record)] == ["old"]
    assert last_record(out).reason == "connection" and responses(out) == []
    sent = only_response(m.handle(RunFinished("new", OK), 2.0))
    assert (sent.origin, sent.call_id) == (2, "new")
    assert m.handle(ConnectionEnded(7), 3.0) == []


def test_a_duplicate_call_is_ignored() -> None:
    m = machine()
    m.handle(arrive(), 0.0)
    assert m.handle(arrive(), 0.1) == []  # open
    m.handle(RunFinished("c1", OK), 1.0)
    assert m.handle(arrive(), 1.1) == []  # ended, same connection


def test_an_open_call_asked_again_on_a_new_connection_is_answered_there() -> None:
    m = machine()
    m.handle(arrive(origin=1), 0.0)
    assert m.handle(arrive(origin=2), 0.5) == []  # no second run
    assert m.handle(ConnectionEnded(1), 0.6) == []  # it belongs to connection 2 now
    assert only_response(m.handle(RunFinished("c1", OK), 1.0)).origin == 2


def test_a_call_ended_with_its_connection_runs_again_when_asked_on_the_next() -> None:
    m = machine()
    m.handle(arrive(origin=1), 0.0)
    m.handle(ConnectionEnded(1), 0.5)
    assert m.handle(arrive(origin=2), 1.0) == running()
    assert only_response(m.handle(RunFinished("c1", OK), 1.5)).origin == 2


# --- many at once ----------------------------------------------------------------------------
def test_many_calls_in_flight_are_independent() -> None:
    rng = random.Random(17)
    m = machine()
    ids = [f"call-{i}" for i in range(40)]
    for i, call_id in enumerate(ids):
        spec = SPEC if i % 2 else OTHER
        policy = ASK if i % 3 == 0 else ALLOW
        m.handle(arrive(call_id, spec=spec, policy=policy, origin=1 + i % 2), float(i))
    for call_id in ids[::3]:
        m.handle(UserDecided(call_id, "once"), 50.0)
    assert all(r.state is CallState.RUNNING for r in m.open_calls)
    order = ids[:]
    rng.shuffle(order)
    answered: list[str] = []
    for t, call_id in enumerate(order):
        out = m.handle(RunFinished(call_id, ToolResult("ok", f"answer for {call_id}")), 60.0 + t)
        sent = only_response(out)
        assert sent.response["message"] == f"answer for {call_id}"
        assert sent.origin == 1 + ids.index(call_id) % 2
        answered.append(sent.call_id)
    assert answered == order and m.open_calls == ()


def test_decisions_and_timer_kinds_are_checked() -> None:
    with pytest.raises(ValueError):
        UserDecided("c1", "maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TimerFired("c1", "lunch")  # type: ignore[arg-type]
