"""The GlobalShortcuts portal client machine, fed literal D-Bus replies and signals."""

from __future__ import annotations

import itertools

from gemini_desk.hotkeys.combo import KeyCombo
from gemini_desk.hotkeys.portal_machine import (
    Activated,
    Available,
    BindShortcuts,
    BusUnavailable,
    CallFailed,
    CallReturned,
    CloseSession,
    CreateSession,
    Deactivated,
    Edge,
    Fallback,
    GetVersion,
    ListShortcuts,
    Lost,
    Phase,
    PortalGone,
    PortalMachine,
    Rebind,
    Response,
    SessionClosed,
    Shortcut,
    ShortcutsChanged,
    Started,
    Stop,
    Subscribe,
    Triggers,
    Unsubscribe,
    VersionReply,
)

SENDER = ":1.42"
REQ = "/org/freedesktop/portal/desktop/request/1_42/"
SESSION = "/org/freedesktop/portal/desktop/session/1_42/t2"
SHORTCUTS = (
    Shortcut("push-to-talk", "Push to talk", "CTRL+ALT+space"),
    Shortcut("mute", "Mute the microphone", "CTRL+ALT+m"),
)


def machine() -> PortalMachine:
    counter = itertools.count(1)
    return PortalMachine(SHORTCUTS, new_token=lambda: f"t{next(counter)}")


def bound(m: PortalMachine) -> None:
    """Take ``m`` through version, CreateSession and BindShortcuts (tokens t1..t3)."""
    m.feed(Started(SENDER))
    m.feed(VersionReply(2))
    m.feed(CallReturned("CreateSession", REQ + "t1"))
    m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION}))
    m.feed(CallReturned("BindShortcuts", REQ + "t3"))
    m.feed(Response(REQ + "t3", 0, {"shortcuts": BOUND}))
    assert m.phase is Phase.ACTIVE


BOUND = [
    ("push-to-talk", {"description": "Push to talk", "trigger_description": "Ctrl+Alt+Space"}),
    ("mute", {"description": "Mute the microphone", "trigger_description": "Ctrl+Alt+M"}),
]


def test_session_is_created_and_bound_with_each_request_subscribed_before_its_call() -> None:
    m = machine()
    assert m.feed(Started(SENDER)) == [GetVersion()]
    out = m.feed(VersionReply(2))
    assert out == [
        Subscribe(REQ + "t1"),
        CreateSession({"handle_token": "t1", "session_handle_token": "t2"}),
    ]
    assert m.feed(CallReturned("CreateSession", REQ + "t1")) == [], "the expected handle"
    out = m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION}))
    assert out == [
        Unsubscribe(REQ + "t1"),
        Subscribe(SESSION),  # its Closed signal
        Subscribe(REQ + "t3"),
        BindShortcuts(
            SESSION,
            (
                (
                    "push-to-talk",
                    {"description": "Push to talk", "preferred_trigger": "CTRL+ALT+space"},
                ),
                ("mute", {"description": "Mute the microphone", "preferred_trigger": "CTRL+ALT+m"}),
            ),
            {"handle_token": "t3"},
        ),
    ]
    assert m.phase is Phase.BINDING
    out = m.feed(Response(REQ + "t3", 0, {"shortcuts": BOUND}))
    assert out == [
        Unsubscribe(REQ + "t3"),
        Triggers({"push-to-talk": "Ctrl+Alt+Space", "mute": "Ctrl+Alt+M"}),
        Available(),
        Subscribe(REQ + "t4"),
        ListShortcuts(SESSION, {"handle_token": "t4"}),
    ]
    assert m.phase is Phase.ACTIVE and m.version == 2


def test_list_shortcuts_reports_what_the_desktop_chose() -> None:
    m = machine()
    bound(m)
    chosen = [
        ("push-to-talk", {"description": "Push to talk", "trigger_description": "Pause"}),
        ("mute", {"description": "Mute the microphone", "trigger_description": "Ctrl+Alt+M"}),
    ]
    assert m.feed(Response(REQ + "t4", 0, {"shortcuts": chosen})) == [
        Unsubscribe(REQ + "t4"),
        Triggers({"push-to-talk": "Pause", "mute": "Ctrl+Alt+M"}),
    ]
    # Later changes made in the desktop's own settings arrive as ShortcutsChanged.
    changed = [("push-to-talk", {"trigger_description": "F9"})]
    assert m.feed(ShortcutsChanged(SESSION, changed)) == [Triggers({"push-to-talk": "F9"})]
    assert m.feed(ShortcutsChanged("/other/session", BOUND)) == [], "not our session"


def test_a_different_request_handle_moves_the_subscription() -> None:
    """Portals before 0.9 chose their own request paths: follow the one returned."""
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(1))
    old = "/org/freedesktop/portal/desktop/request/7"
    assert m.feed(CallReturned("CreateSession", old)) == [
        Unsubscribe(REQ + "t1"),
        Subscribe(old),
    ]
    assert m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION})) == [], "not awaited"
    assert Subscribe(SESSION) in m.feed(Response(old, 0, {"session_handle": SESSION}))


def test_activated_and_deactivated_map_to_press_and_release_with_timestamps() -> None:
    m = machine()
    bound(m)
    assert m.feed(Activated(SESSION, "push-to-talk", 1_000_000)) == [
        Edge("push-to-talk", True, 1_000_000)
    ]
    assert m.feed(Activated(SESSION, "push-to-talk", 1_000_030)) == [], "a repeat while held"
    assert m.feed(Activated(SESSION, "mute", 1_000_100)) == [Edge("mute", True, 1_000_100)]
    assert m.feed(Deactivated(SESSION, "mute", 1_000_180)) == [Edge("mute", False, 1_000_180, 80)]
    assert m.feed(Deactivated(SESSION, "push-to-talk", 1_002_500)) == [
        Edge("push-to-talk", False, 1_002_500, 2_500)
    ]
    assert m.feed(Deactivated(SESSION, "push-to-talk", 1_002_600)) == [], "already up"
    assert m.feed(Activated("/another/session", "push-to-talk", 5)) == [], "not ours"
    assert m.feed(Activated(SESSION, "something-else", 5)) == [], "not a shortcut of ours"


def test_no_edges_before_the_shortcuts_are_bound() -> None:
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(2))
    m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION}))
    assert m.phase is Phase.BINDING
    assert m.feed(Activated(SESSION, "push-to-talk", 1)) == []


def test_portal_missing_falls_back() -> None:
    m = machine()
    m.feed(Started(SENDER))
    out = m.feed(CallFailed("version", "org.freedesktop.DBus.Error.ServiceUnknown"))
    assert out == [Fallback("missing")]
    assert m.phase is Phase.FALLBACK
    # Debian 12's portal 1.16 answers, but has no GlobalShortcuts interface: version 0.
    m2 = machine()
    m2.feed(Started(SENDER))
    assert m2.feed(VersionReply(0)) == [
        Fallback("missing"),
    ]
    m3 = machine()
    assert m3.feed(BusUnavailable("no session bus")) == [
        Fallback("missing"),
    ]


def test_refusal_at_either_step_falls_back_each_time() -> None:
    for code in (1, 2):  # cancelled by the user, ended another way
        m = machine()
        m.feed(Started(SENDER))
        m.feed(VersionReply(2))
        assert m.feed(Response(REQ + "t1", code, {})) == [
            Unsubscribe(REQ + "t1"),
            Fallback("refused"),
        ]
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(2))
    m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION}))
    assert m.feed(Response(REQ + "t3", 1, {})) == [
        Unsubscribe(REQ + "t3"),
        Unsubscribe(SESSION),
        CloseSession(SESSION),
        Fallback("refused"),
    ]
    # The user tries again by changing the keys; refused again (reported again:
    # hotkeys/portal_notice.py decides what the user hears).
    again = (SHORTCUTS[0], Shortcut("mute", "Mute the microphone", "CTRL+ALT+n"))
    assert m.feed(Rebind(again)) == [
        Subscribe(REQ + "t4"),
        CreateSession({"handle_token": "t4", "session_handle_token": "t5"}),
    ]
    assert m.feed(Response(REQ + "t4", 2, {})) == [Unsubscribe(REQ + "t4"), Fallback("refused")]


def test_binding_none_of_the_shortcuts_is_a_refusal() -> None:
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(2))
    m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION}))
    out = m.feed(Response(REQ + "t3", 0, {"shortcuts": []}))
    assert Fallback("refused") in out and CloseSession(SESSION) in out


def test_error_replies_tell_missing_from_refused() -> None:
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(1))
    out = m.feed(CallFailed("CreateSession", "org.freedesktop.DBus.Error.UnknownMethod"))
    assert out == [
        Unsubscribe(REQ + "t1"),
        Fallback("missing"),
    ]
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(1))
    out = m.feed(CallFailed("CreateSession", "org.freedesktop.portal.Error.NotAllowed"))
    assert out[-1:] == [Fallback("refused")]


def test_rebind_closes_the_session_and_binds_the_new_keys_in_a_new_one() -> None:
    m = machine()
    bound(m)
    m.feed(Activated(SESSION, "push-to-talk", 10))
    new = (Shortcut("push-to-talk", "Push to talk", "F8"), SHORTCUTS[1])
    assert m.feed(Rebind(SHORTCUTS)) == [], "the same keys: nothing to do"
    assert m.feed(Rebind(new)) == [
        Edge("push-to-talk", False),  # the held key goes up with the old session
        Unsubscribe(SESSION),
        CloseSession(SESSION),
        Subscribe(REQ + "t5"),
        CreateSession({"handle_token": "t5", "session_handle_token": "t6"}),
    ]
    assert m.feed(SessionClosed(SESSION)) == [], "the old session's Closed is ignored"
    session2 = "/org/freedesktop/portal/desktop/session/1_42/t6"
    out = m.feed(Response(REQ + "t5", 0, {"session_handle": session2}))
    bind = out[-1]
    assert isinstance(bind, BindShortcuts) and bind.session == session2
    assert bind.shortcuts[0] == (
        "push-to-talk",
        {"description": "Push to talk", "preferred_trigger": "F8"},
    )


def test_a_rebind_during_the_desktops_dialog_waits_for_its_answer() -> None:
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(2))
    m.feed(Response(REQ + "t1", 0, {"session_handle": SESSION}))
    new = (Shortcut("push-to-talk", "Push to talk", "F8"), SHORTCUTS[1])
    assert m.feed(Rebind(new)) == []
    out = m.feed(Response(REQ + "t3", 0, {"shortcuts": BOUND}))
    assert Available() in out
    assert out[-3:] == [
        CloseSession(SESSION),
        Subscribe(REQ + "t5"),
        CreateSession({"handle_token": "t5", "session_handle_token": "t6"}),
    ]


def test_session_closed_by_the_desktop_releases_keys_and_opens_a_new_session_once() -> None:
    m = machine()
    bound(m)
    m.feed(Activated(SESSION, "push-to-talk", 10))
    out = m.feed(SessionClosed(SESSION))
    assert out[:3] == [
        Unsubscribe(SESSION),
        Edge("push-to-talk", False),
        Lost("the desktop closed the shortcuts session"),
    ]
    assert isinstance(out[-1], CreateSession) and m.phase is Phase.CREATING
    session2 = "/org/freedesktop/portal/desktop/session/1_42/t6"
    m.feed(Response(REQ + "t5", 0, {"session_handle": session2}))
    m.feed(Response(REQ + "t7", 0, {"shortcuts": BOUND}))
    assert m.phase is Phase.ACTIVE and m.session == session2
    # Closed before it was bound again: no endless loop of new sessions.
    m2 = machine()
    bound(m2)
    m2.feed(SessionClosed(SESSION))
    session3 = "/org/freedesktop/portal/desktop/session/1_42/t6"
    m2.feed(Response(REQ + "t5", 0, {"session_handle": session3}))
    out = m2.feed(SessionClosed(session3))
    assert out[-1:] == [Fallback("refused")]


def test_portal_gone_releases_keys_and_falls_back() -> None:
    m = machine()
    bound(m)
    m.feed(Activated(SESSION, "mute", 10))
    assert m.feed(PortalGone()) == [
        Edge("mute", False),
        Lost("the desktop portal stopped"),
        Fallback("missing"),
    ]


def test_stop_releases_keys_unsubscribes_and_closes_the_session() -> None:
    m = machine()
    bound(m)  # ListShortcuts (t4) is still pending
    m.feed(Activated(SESSION, "push-to-talk", 10))
    assert m.feed(Stop()) == [
        Unsubscribe(REQ + "t4"),
        Edge("push-to-talk", False),
        Unsubscribe(SESSION),
        CloseSession(SESSION),
    ]
    assert m.feed(Activated(SESSION, "push-to-talk", 20)) == [], "stopped: nothing more"


def test_malformed_results_are_skipped_not_raised() -> None:
    m = machine()
    m.feed(Started(SENDER))
    m.feed(VersionReply(2))
    assert Fallback("refused") in m.feed(Response(REQ + "t1", 0, {"session_handle": 5}))
    m = machine()
    bound(m)
    junk = [("push-to-talk",), "mute", ("mute", {"trigger_description": 3}), (7, {})]
    assert m.feed(Response(REQ + "t4", 0, {"shortcuts": junk})) == [
        Unsubscribe(REQ + "t4"),
        Triggers({"mute": ""}),
    ]


def test_preferred_triggers_follow_the_shortcuts_spec() -> None:
    assert KeyCombo.parse("ctrl+alt+space").xdg_trigger() == "CTRL+ALT+space"
    assert KeyCombo.parse("super+shift+f8").xdg_trigger() == "SHIFT+LOGO+F8"
    assert KeyCombo.parse("ctrl+pgup").xdg_trigger() == "CTRL+Page_Up"
    assert KeyCombo.parse("alt+enter").xdg_trigger() == "ALT+Return"
    assert KeyCombo.parse("ctrl+m").xdg_trigger() == "CTRL+m"
