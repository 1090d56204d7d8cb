"""The GlobalShortcuts portal client as a sans-I/O machine: D-Bus events in, commands out.

The interface, as xdg-desktop-portal documents it (version 2; checked against its
``org.freedesktop.portal.{GlobalShortcuts,Request,Session}.xml``), all on the bus name
``org.freedesktop.portal.Desktop``, object ``/org/freedesktop/portal/desktop``:

* ``GlobalShortcuts.CreateSession(IN a{sv} options, OUT o handle)``; options
  ``handle_token`` (s), ``session_handle_token`` (s). Response results:
  ``session_handle`` (s: an object path, typed ``s`` for historical reasons).
* ``GlobalShortcuts.BindShortcuts(IN o session_handle, IN a(sa{sv}) shortcuts,
  IN s parent_window, IN a{sv} options, OUT o request_handle)``; each shortcut is
  ``(id, {"description": s, "preferred_trigger": s})``, the trigger written as the
  freedesktop shortcuts spec says (``CTRL+ALT+space``); options ``handle_token``. A
  session may bind only once. Response results: ``shortcuts`` (a(sa{sv})), the subset
  bound, each with ``description`` (s) and ``trigger_description`` (s: how to press it,
  for people).
* ``GlobalShortcuts.ListShortcuts(IN o session_handle, IN a{sv} options,
  OUT o request_handle)``; Response results: ``shortcuts`` as above.
* ``GlobalShortcuts.ConfigureShortcuts(IN o session_handle, IN s parent_window,
  IN a{sv} options)``: version 2 only (not used here: re-binding covers a key change).
* Signals ``Activated(o session_handle, s shortcut_id, t timestamp, a{sv} options)`` and
  ``Deactivated(...)`` (same arguments; the timestamp is in milliseconds from an
  undefined base), ``ShortcutsChanged(o session_handle, a(sa{sv}) shortcuts)``.
* Property ``version`` (u), read through ``org.freedesktop.DBus.Properties.Get``.
* ``Request.Response(u response, a{sv} results)``: 0 success, 1 the user cancelled,
  2 the interaction ended some other way; ``Request.Close()``. The request object is
  ``/org/freedesktop/portal/desktop/request/SENDER/TOKEN`` (SENDER: our unique name
  without the ``:`` and with ``.`` as ``_``; TOKEN: our ``handle_token``), so the
  Response can be subscribed to before the call; if the returned handle differs, the
  subscription moves to it.
* ``Session.Close()``, signal ``Session.Closed(a{sv} details)``; the session object is
  ``/org/freedesktop/portal/desktop/session/SENDER/TOKEN``.

The machine knows nothing of D-Bus libraries or Qt; values arrive unwrapped (plain str,
int, dict, list). Feed it with :meth:`PortalMachine.feed`; carry out what it returns.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gemini_desk.hotkeys.portal_types import (
    Activated,
    Available,
    BindShortcuts,
    BusUnavailable,
    CallFailed,
    CallReturned,
    CloseSession,
    Command,
    CreateSession,
    Deactivated,
    Edge,
    Event,
    Fallback,
    GetVersion,
    ListShortcuts,
    Lost,
    PortalGone,
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

__all__ = [
    "PORTAL_BUS_NAME",
    "PORTAL_INTERFACE",
    "PORTAL_PATH",
    "Activated",
    "Available",
    "BindShortcuts",
    "BusUnavailable",
    "CallFailed",
    "CallReturned",
    "CloseSession",
    "Command",
    "CreateSession",
    "Deactivated",
    "Edge",
    "Event",
    "Fallback",
    "GetVersion",
    "ListShortcuts",
    "Lost",
    "Phase",
    "PortalGone",
    "PortalMachine",
    "Rebind",
    "Response",
    "SessionClosed",
    "Shortcut",
    "ShortcutsChanged",
    "Started",
    "Stop",
    "Subscribe",
    "Triggers",
    "Unsubscribe",
    "VersionReply",
    "object_path",
]

PORTAL_BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
PORTAL_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
# Errors that mean "there is no such portal here" rather than "it said no".
_MISSING_ERRORS = {
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.UnknownInterface",
    "org.freedesktop.DBus.Error.UnknownMethod",
    "org.freedesktop.DBus.Error.UnknownObject",
    "org.freedesktop.DBus.Error.UnknownProperty",
    "org.freedesktop.DBus.Error.InvalidArgs",  # Properties.Get of an interface it lacks
}


def object_path(kind: str, sender: str, token: str) -> str:
    """``/org/freedesktop/portal/desktop/{kind}/SENDER/TOKEN`` for our unique name."""
    return f"{PORTAL_PATH}/{kind}/{sender.lstrip(':').replace('.', '_')}/{token}"


class Phase(enum.Enum):
    IDLE = "idle"
    CHECKING = "checking"  # reading the version property
    CREATING = "creating"  # CreateSession asked, Response awaited
    BINDING = "binding"  # BindShortcuts asked: the desktop's dialog may be open
    ACTIVE = "active"
    FALLBACK = "fallback"
    STOPPED = "stopped"


def _token() -> str:
    return "gemini_desk_" + secrets.token_hex(8)


class PortalMachine:
    """One app's GlobalShortcuts client: session, binding, key edges, fallback.

    ``new_token`` makes request and session tokens (unique, unguessable; tests pass a
    counter). Every Request is subscribed to before its call goes out. Each fallback is
    reported (:class:`Fallback`); telling the user is hotkeys/portal_notice.py's job.
    """

    def __init__(
        self, shortcuts: Sequence[Shortcut], new_token: Callable[[], str] = _token
    ) -> None:
        self.shortcuts = tuple(shortcuts)
        self._new_token = new_token
        self.phase = Phase.IDLE
        self.sender = ""
        self.version = 0
        self.session: str | None = None
        self.fallback_reason: str | None = None
        self.triggers: dict[str, str] = {}
        self._pending: dict[str, str] = {}  # request path -> which call
        self._down: dict[str, int] = {}  # shortcut id -> its Activated timestamp
        self._rebind_wanted = False
        self._restarts_left = 1

    # --- input ----------------------------------------------------------------------
    def feed(self, event: Event) -> list[Command]:
        """Apply one event; returns what to do, in order."""
        if self.phase is Phase.STOPPED:
            return []
        match event:
            case Started(sender):
                self.sender = sender
                self.phase = Phase.CHECKING
                return [GetVersion()]
            case BusUnavailable():
                return self._fall_back("missing")
            case VersionReply(version):
                if self.phase is not Phase.CHECKING:
                    return []
                if version < 1:
                    return self._fall_back("missing")
                self.version = version
                return self._create()
            case CallFailed(call, error):
                return self._on_call_failed(call, error)
            case CallReturned(call, handle):
                return self._on_returned(call, handle)
            case Response(path, code, results):
                return self._on_response(path, code, results)
            case Activated(session, shortcut_id, timestamp):
                return self._on_activated(session, shortcut_id, timestamp)
            case Deactivated(session, shortcut_id, timestamp):
                return self._on_deactivated(session, shortcut_id, timestamp)
            case ShortcutsChanged(session, shortcuts):
                if session != self.session:
                    return []
                return self._set_triggers(shortcuts)
            case SessionClosed(session):
                return self._on_closed(session)
            case PortalGone():
                if self.phase in (Phase.FALLBACK, Phase.IDLE):
                    return []
                out = self._forget("the desktop portal stopped")
                return out + self._fall_back("missing")
            case Rebind(shortcuts):
                return self._on_rebind(shortcuts)
            case Stop():
                return self._stop()
        return []

    # --- creating and binding ---------------------------------------------------------
    def _create(self) -> list[Command]:
        token, session_token = self._new_token(), self._new_token()
        path = object_path("request", self.sender, token)
        self._pending[path] = "CreateSession"
        self.phase = Phase.CREATING
        options = {"handle_token": token, "session_handle_token": session_token}
        return [Subscribe(path), CreateSession(options)]

    def _bind(self) -> list[Command]:
        assert self.session is not None
        token = self._new_token()
        path = object_path("request", self.sender, token)
        self._pending[path] = "BindShortcuts"
        self.phase = Phase.BINDING
        shortcuts = tuple(
            (s.id, {"description": s.description, "preferred_trigger": s.preferred_trigger})
            for s in self.shortcuts
        )
        return [Subscribe(path), BindShortcuts(self.session, shortcuts, {"handle_token": token})]

    def _list(self) -> list[Command]:
        assert self.session is not None
        token = self._new_token()
        path = object_path("request", self.sender, token)
        self._pending[path] = "ListShortcuts"
        return [Subscribe(path), ListShortcuts(self.session, {"handle_token": token})]

    def _on_returned(self, call: str, handle: str) -> list[Command]:
        """An older portal may answer with another request path: follow it there."""
        expected = next((p for p, c in self._pending.items() if c == call), None)
        if expected is None or expected == handle:
            return []
        del self._pending[expected]
        self._pending[handle] = call
        return [Unsubscribe(expected), Subscribe(handle)]

    def _on_response(self, path: str, code: int, results: Mapping[str, Any]) -> list[Command]:
        call = self._pending.pop(path, None)
        if call is None:
            return []  # not ours (or already answered)
        out: list[Command] = [Unsubscribe(path)]
        if call == "CreateSession":
            session = results.get("session_handle")
            if code != 0 or not isinstance(session, str) or not session:
                return out + self._fall_back("refused")
            self.session = session
            return [*out, Subscribe(session), *self._bind()]
        if call == "BindShortcuts":
            if code != 0:
                return out + self._close_session() + self._fall_back("refused")
            shortcuts = results.get("shortcuts", [])
            if not _ids(shortcuts) & {s.id for s in self.shortcuts}:  # the user bound none
                return out + self._close_session() + self._fall_back("refused")
            out += self._set_triggers(shortcuts)
            self.phase = Phase.ACTIVE
            self._restarts_left = 1
            out += [Available(), *self._list()]
            if self._rebind_wanted:
                self._rebind_wanted = False
                out += self._renew()
            return out
        if call == "ListShortcuts" and code == 0:
            out += self._set_triggers(results.get("shortcuts", []))
        return out

    def _on_call_failed(self, call: str, error: str) -> list[Command]:
        if call == "version":
            return self._fall_back("missing") if self.phase is Phase.CHECKING else []
        if call in ("CreateSession", "BindShortcuts"):
            pending = [p for p, c in self._pending.items() if c == call]
            out: list[Command] = []
            for path in pending:
                del self._pending[path]
                out.append(Unsubscribe(path))
            if call == "BindShortcuts":
                out += self._close_session()
            return out + self._fall_back("missing" if error in _MISSING_ERRORS else "refused")
        if call == "ListShortcuts":
            pending = [p for p, c in self._pending.items() if c == call]
            for path in pending:
                del self._pending[path]
            return [Unsubscribe(p) for p in pending]
        return []

    def _set_triggers(self, shortcuts: Any) -> list[Command]:
        ours = {s.id for s in self.shortcuts}
        chosen: dict[str, str] = {}
        for shortcut_id, info in _pairs(shortcuts):
            if shortcut_id in ours:
                text = info.get("trigger_description") if isinstance(info, Mapping) else None
                chosen[shortcut_id] = text if isinstance(text, str) else ""
        if chosen == self.triggers:
            return []
        self.triggers = chosen
        return [Triggers(dict(chosen))]

    # --- key edges ----------------------------------------------------------------------
    def _on_activated(self, session: str, shortcut_id: str, timestamp: int) -> list[Command]:
        if self.phase is not Phase.ACTIVE or session != self.session:
            return []
        if shortcut_id not in {s.id for s in self.shortcuts} or shortcut_id in self._down:
            return []  # not ours, or a repeat while held
        self._down[shortcut_id] = timestamp
        return [Edge(shortcut_id, True, timestamp)]

    def _on_deactivated(self, session: str, shortcut_id: str, timestamp: int) -> list[Command]:
        if session != self.session or shortcut_id not in self._down:
            return []
        pressed = self._down.pop(shortcut_id)
        return [Edge(shortcut_id, False, timestamp, max(0, timestamp - pressed))]

    def _release_all(self) -> list[Command]:
        edges: list[Command] = [Edge(i, False) for i in self._down]
        self._down.clear()
        return edges

    # --- endings --------------------------------------------------------------------------
    def _on_closed(self, session: str) -> list[Command]:
        if session != self.session:
            return []
        self.session = None
        out = [Unsubscribe(session), *self._forget("the desktop closed the shortcuts session")]
        if self._restarts_left > 0 and self.phase is not Phase.FALLBACK:
            self._restarts_left -= 1
            return out + self._create()
        return out + self._fall_back("refused")

    def _forget(self, reason: str) -> list[Command]:
        """The keys stopped by themselves: keys held go up, and the caller is told."""
        was_active = self.phase is Phase.ACTIVE
        out = self._release_all()
        return [*out, Lost(reason)] if was_active else out

    def _on_rebind(self, shortcuts: tuple[Shortcut, ...]) -> list[Command]:
        if shortcuts == self.shortcuts:
            return []
        self.shortcuts = shortcuts
        if self.phase is Phase.ACTIVE:
            return self._renew()
        if self.phase in (Phase.CREATING, Phase.BINDING):
            self._rebind_wanted = True  # after the desktop's dialog has answered
        elif self.phase is Phase.FALLBACK and self.fallback_reason == "refused" and self.sender:
            self.fallback_reason = None
            return self._create()  # the user asks again: the desktop may ask again too
        return []

    def _renew(self) -> list[Command]:
        """A session binds only once: close it and bind the new keys in a new one."""
        return [*self._release_all(), *self._close_session(), *self._create()]

    def _close_session(self) -> list[Command]:
        if self.session is None:
            return []
        session, self.session = self.session, None
        return [Unsubscribe(session), CloseSession(session)]

    def _fall_back(self, reason: str) -> list[Command]:
        self.phase = Phase.FALLBACK
        self.fallback_reason = reason
        return [Fallback(reason)]

    def _stop(self) -> list[Command]:
        out: list[Command] = [Unsubscribe(p) for p in self._pending]
        self._pending.clear()
        out += self._release_all()
        out += self._close_session()
        self.phase = Phase.STOPPED
        return out


def _pairs(shortcuts: Any) -> list[tuple[str, Any]]:
    """``a(sa{sv})`` as (id, info) pairs; anything malformed is skipped."""
    out: list[tuple[str, Any]] = []
    if isinstance(shortcuts, (list, tuple)):
        for item in shortcuts:
            if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
                out.append((item[0], item[1]))
    return out


def _ids(shortcuts: Any) -> set[str]:
    return {shortcut_id for shortcut_id, _ in _pairs(shortcuts)}
