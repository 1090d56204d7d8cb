"""The ScreenCast portal conversation against literal replies (no bus)."""

from __future__ import annotations

from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.portal_source import crop_in_stream
from gemini_desk.vision.screencast_flow import (
    MONITOR,
    WINDOW,
    Call,
    CastStream,
    Outcome,
    ScreenCastFlow,
    parse_streams,
)

# What xdg-desktop-portal 1.16 + xdg-desktop-portal-wlr 0.7 answered on headless sway
# (variants unwrapped), apart from Start's streams, which follow the documented shape.
SESSION = "/org/freedesktop/portal/desktop/session/1_20/gd2"
STREAMS = [[41, {"position": [0, 0], "size": [1280, 800], "source_type": 1}]]


def test_a_cast_is_create_select_start_then_the_remote() -> None:
    flow = ScreenCastFlow(":1.20")
    create = flow.start()
    assert (create.method, create.signature) == ("CreateSession", "a{sv}")
    assert create.args[0]["handle_token"] == ("s", create.token)
    assert flow.request_path(create.token or "") == (
        f"/org/freedesktop/portal/desktop/request/1_20/{create.token}"
    )
    select = flow.on_response(0, {"session_handle": SESSION})
    assert isinstance(select, Call) and select.method == "SelectSources"
    assert select.args[0] == SESSION
    assert select.args[1]["types"] == ("u", MONITOR | WINDOW)  # typed: the portal checks
    assert select.args[1]["multiple"] == ("b", False)
    start = flow.on_response(0, {})
    assert isinstance(start, Call) and start.method == "Start"
    assert start.signature == "osa{sv}" and start.args[:2] == (SESSION, "")
    assert len({create.token, select.token, start.token}) == 3  # one Request each
    assert flow.on_response(0, {"streams": STREAMS}) is Outcome.STARTED
    assert flow.streams == [CastStream(41, (0, 0), (1280, 800), MONITOR)]
    remote = flow.open_remote()
    assert (remote.method, remote.args, remote.token) == ("OpenPipeWireRemote", (SESSION, {}), None)
    close = flow.close()
    assert close is not None and (close.path, close.method) == (SESSION, "Close")
    assert close.interface == "org.freedesktop.portal.Session"
    assert flow.close() is None  # closed once


def test_cancelled_picker_is_refused_and_other_codes_failed() -> None:
    flow = ScreenCastFlow(":1.5")
    flow.start()
    flow.on_response(0, {"session_handle": SESSION})
    flow.on_response(0, {})
    assert flow.on_response(1, {}) is Outcome.REFUSED  # the user cancelled
    closing = flow.close()  # the session still needs closing
    assert closing is not None and closing.path == SESSION

    flow = ScreenCastFlow(":1.5")
    flow.start()
    flow.on_response(0, {"session_handle": SESSION})
    flow.on_response(0, {})
    assert flow.on_response(2, {}) is Outcome.FAILED  # what xdpw 0.7 answers without a GPU
    assert flow.detail == "code 2"


def test_bad_replies_fail_instead_of_going_on() -> None:
    flow = ScreenCastFlow(":1.5")
    flow.start()
    assert flow.on_response(0, {}) is Outcome.FAILED  # no session handle
    flow = ScreenCastFlow(":1.5")
    flow.start()
    flow.on_response(0, {"session_handle": SESSION})
    flow.on_response(0, {})
    assert flow.on_response(0, {"streams": []}) is Outcome.FAILED
    assert parse_streams([["x", {}], [7]]) == []


def test_a_region_is_cut_from_the_chosen_monitor() -> None:
    second = CastStream(9, (1280, 0), (1920, 1080), MONITOR)
    assert crop_in_stream(Rect(1300, 100, 400, 200), second, 1.0) == Rect(20, 100, 400, 200)
    assert crop_in_stream(Rect(1300, 100, 400, 200), second, 2.0) == Rect(40, 200, 800, 400)
    assert crop_in_stream(Rect(100, 100, 400, 200), second, 1.0) == "outside"
    assert crop_in_stream(Rect(1200, 100, 400, 200), second, 1.0) == "outside"  # straddles
    window = CastStream(9, None, (800, 600), WINDOW)
    assert crop_in_stream(Rect(1300, 100, 400, 200), window, 1.0) is None  # whole window
    assert crop_in_stream(None, second, 1.0) is None


def to_start(flow: ScreenCastFlow) -> Call:
    """Create and select; returns the SelectSources call's successor (Start)."""
    flow.start()
    select = flow.on_response(0, {"session_handle": SESSION})
    assert isinstance(select, Call)
    start = flow.on_response(0, {})
    assert isinstance(start, Call) and start.method == "Start"
    return select


def test_persistence_is_asked_and_the_new_restore_token_kept() -> None:
    flow = ScreenCastFlow(":1.20", types=MONITOR, persist_mode=2)
    select = to_start(flow)
    assert select.args[1]["persist_mode"] == ("u", 2)
    assert "restore_token" not in select.args[1], "none to offer the first time"
    assert not flow.restoring
    token = "0f9c8d7e-1111-4222-8333-944445555666"
    assert flow.on_response(0, {"streams": STREAMS, "restore_token": token}) is Outcome.STARTED
    assert flow.restore_token == token


def test_a_stored_token_is_offered_and_replaced_by_the_one_start_gives() -> None:
    flow = ScreenCastFlow(":1.20", types=MONITOR, persist_mode=2, restore_token="old")
    select = to_start(flow)
    assert select.args[1]["restore_token"] == ("s", "old")
    assert select.args[1]["persist_mode"] == ("u", 2)
    assert flow.restoring
    assert flow.on_response(0, {"streams": STREAMS, "restore_token": "new"}) is Outcome.STARTED
    assert flow.restore_token == "new", "tokens are single use"
    # A portal that did not grant persistence gives none: the old one is spent.
    flow = ScreenCastFlow(":1.20", persist_mode=2, restore_token="old")
    to_start(flow)
    assert flow.on_response(0, {"streams": STREAMS}) is Outcome.STARTED
    assert flow.restore_token is None


def test_a_failure_with_a_token_is_worth_one_try_with_the_picker() -> None:
    flow = ScreenCastFlow(":1.20", persist_mode=2, restore_token="stale")
    to_start(flow)
    assert flow.on_response(2, {}) is Outcome.FAILED
    assert flow.restore_token is None and flow.retry_with_picker
    flow = ScreenCastFlow(":1.20", persist_mode=2, restore_token="stale")
    to_start(flow)
    assert flow.on_response(1, {}) is Outcome.REFUSED  # the picker was shown and cancelled
    assert flow.restore_token is None and not flow.retry_with_picker
    flow = ScreenCastFlow(":1.20", persist_mode=2)  # no token: the failure is final
    to_start(flow)
    assert flow.on_response(2, {}) is Outcome.FAILED and not flow.retry_with_picker


def test_without_persistence_nothing_is_asked() -> None:
    flow = ScreenCastFlow(":1.20", restore_token="ignored")
    select = to_start(flow)
    assert "persist_mode" not in select.args[1] and "restore_token" not in select.args[1]


def test_a_token_the_portal_rejects_outright_is_worth_the_picker_too() -> None:
    """xdg-desktop-portal 1.16 answers SelectSources with an error for a token that is
    not a UUID ("Restore token is not a valid UUID string") and closes the session."""
    flow = ScreenCastFlow(":1.20", persist_mode=2, restore_token="not-a-uuid")
    flow.start()
    flow.on_response(0, {"session_handle": SESSION})
    error = "SelectSources: org.freedesktop.portal.Error.InvalidArgument Restore token ..."
    assert flow.on_error(error) is Outcome.FAILED
    assert flow.retry_with_picker and flow.restore_token is None and flow.detail == error
    assert flow.close() is None, "the portal closed the session itself"
    plain = ScreenCastFlow(":1.20", persist_mode=2)
    plain.start()
    plain.on_response(0, {"session_handle": SESSION})
    assert plain.on_error(error) is Outcome.FAILED and not plain.retry_with_picker
