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
