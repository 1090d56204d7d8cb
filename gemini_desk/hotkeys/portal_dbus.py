"""Global push-to-talk and mute on Wayland through the GlobalShortcuts desktop portal.

The D-Bus side of :mod:`gemini_desk.hotkeys.portal_machine`, on the app's asyncio loop
with dbus-fast. (PySide6's QtDBus cannot send this portal's ``a(sa{sv})`` shortcut
list: its marshaller refuses the Python structures, and ``qDBusRegisterMetaType`` is
not exposed to Python.) Method calls go out one at a time, in the order the machine
asked, so a Request's signal match is in place before the call that creates it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from gemini_desk.hotkeys.combo import KeyCombo
from gemini_desk.hotkeys.portal_machine import (
    PORTAL_BUS_NAME,
    PORTAL_INTERFACE,
    PORTAL_PATH,
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

__all__ = ["SHORTCUT_IDS", "PortalHotkeys"]

log = logging.getLogger("gemini_desk.hotkeys")

# Our combo names -> the shortcut ids the desktop keeps (and shows in its settings).
SHORTCUT_IDS = {"talk": "push-to-talk", "mute": "mute"}
_NAMES = {v: k for k, v in SHORTCUT_IDS.items()}
_BUS = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")
_REQUEST = "org.freedesktop.portal.Request"
_SESSION = "org.freedesktop.portal.Session"


class PortalHotkeys:
    """The portal's shortcuts, reported like :class:`~.pynput_backend.GlobalHotkeys`.

    ``on_edge(name, down)`` and ``on_lost(reason)`` as there; ``on_change()`` when
    :attr:`available`, :attr:`triggers` (the keys the desktop chose, by combo name) or
    :attr:`fallback` (``"missing"`` / ``"refused"``) change; ``on_fallback(reason,
    triggers)`` each time the portal turns out missing or refuses (``triggers``: the keys
    asked, shortcuts-spec text). Everything runs on ``loop``.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        bindings: dict[str, KeyCombo],
        descriptions: dict[str, str],
        on_edge: Callable[[str, bool], None],
        on_lost: Callable[[str], None],
        on_change: Callable[[], None],
        on_fallback: Callable[[str, tuple[str, ...]], None],
        bus_address: str | None = None,
    ) -> None:
        self._loop = loop
        self._descriptions = dict(descriptions)
        self._on_edge = on_edge
        self._on_lost = on_lost
        self._on_change = on_change
        self._on_fallback = on_fallback
        self._address = bus_address
        self.machine = PortalMachine(self._shortcuts(bindings))
        self.available = False
        self.triggers: dict[str, str] = {}
        self.fallback: str | None = None
        self._bus: Any = None
        self._owner: str | None = None
        self._queue: asyncio.Queue[Command] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def _shortcuts(self, bindings: dict[str, KeyCombo]) -> tuple[Shortcut, ...]:
        return tuple(
            Shortcut(SHORTCUT_IDS[name], self._descriptions.get(name, name), combo.xdg_trigger())
            for name, combo in bindings.items()
            if name in SHORTCUT_IDS
        )

    # --- the pynput backend's shape -------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._stopping = False
        self._task = self._loop.create_task(self._run(), name="portal-hotkeys")

    def set_bindings(self, bindings: dict[str, KeyCombo]) -> None:
        """New keys from Settings: bind them again (the desktop has the last word)."""
        if self.machine.sender:
            self._feed(Rebind(self._shortcuts(bindings)))
        else:
            self.machine.shortcuts = self._shortcuts(bindings)

    def stop(self) -> None:
        """Close the session and the connection (the portal ends our sessions with it)."""
        if self._stopping:
            return
        self._stopping = True
        for command in self.machine.feed(Stop()):
            if isinstance(command, CloseSession) and self._bus is not None:
                self._send_close(command.session)
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._bus is not None:
            self._bus.disconnect()
            self._bus = None

    # --- the machine ------------------------------------------------------------------
    def _feed(self, event: Event) -> None:
        for command in self.machine.feed(event):
            self._dispatch(command)

    def _dispatch(self, command: Command) -> None:
        if self._stopping:
            return
        match command:
            case Edge(shortcut_id, down, timestamp, held_ms):
                name = _NAMES.get(shortcut_id)
                if name is not None:
                    log.debug("portal %s %s at %s (held %s ms)", name, down, timestamp, held_ms)
                    self._on_edge(name, down)
            case Triggers(chosen):
                self.triggers = {_NAMES[i]: t for i, t in chosen.items() if i in _NAMES}
                log.info("portal triggers: %s", self.triggers)
                self._on_change()
            case Available():
                self.available, self.fallback = True, None
                log.info("global hotkeys on (portal, version %d)", self.machine.version)
                self._on_change()
            case Fallback(reason):
                self.available, self.fallback = False, reason
                log.info("global shortcuts portal %s: in-window keys and --ptt", reason)
                self._on_change()
                asked = tuple(s.preferred_trigger for s in self.machine.shortcuts)
                self._on_fallback(reason, asked)
            case Lost(reason):
                self.available = False
                self._on_lost(reason)
                self._on_change()
            case _:
                self._queue.put_nowait(command)

    # --- D-Bus ------------------------------------------------------------------------
    async def _run(self) -> None:
        from dbus_fast import BusType
        from dbus_fast.aio import MessageBus

        address = self._address or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        try:
            if address:
                bus = MessageBus(bus_address=address)
            else:
                bus = MessageBus(bus_type=BusType.SESSION)
            self._bus = await bus.connect()
            self._bus.add_message_handler(self._on_message)
            await self._add_match(
                f"type='signal',sender='{PORTAL_BUS_NAME}',path='{PORTAL_PATH}',"
                f"interface='{PORTAL_INTERFACE}'"
            )
            await self._add_match(
                "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',"
                f"arg0='{PORTAL_BUS_NAME}'"
            )
            # No owner (no portal): the version check says so, as "missing".
            owner = await self._call(*_BUS, "GetNameOwner", "s", [PORTAL_BUS_NAME], "")
            self._owner = str(owner[0]) if owner else None
        except Exception as exc:  # no session bus, or it went away at once
            log.info("no session bus for the shortcuts portal: %r", exc)
            self._feed(BusUnavailable(str(exc)))
            return
        self._feed(Started(self._bus.unique_name))
        while True:
            command = await self._queue.get()
            try:
                await self._execute(command)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the connection broke: the portal is out of reach
                log.info("shortcuts portal call failed: %r", exc)
                self._feed(CallFailed(_call_name(command), "disconnected", str(exc)))

    async def _execute(self, command: Command) -> None:
        match command:
            case GetVersion():
                reply = await self._call(
                    PORTAL_BUS_NAME,
                    PORTAL_PATH,
                    "org.freedesktop.DBus.Properties",
                    "Get",
                    "ss",
                    [PORTAL_INTERFACE, "version"],
                    on_error="version",
                )
                if reply is not None:
                    self._feed(VersionReply(int(_plain(reply[0]))))
            case Subscribe(path):
                await self._add_match(_path_rule(path))
            case Unsubscribe(path):
                await self._call(*_BUS, "RemoveMatch", "s", [_path_rule(path)], on_error="")
            case CreateSession(options):
                await self._request("CreateSession", "a{sv}", [_vardict(options)])
            case BindShortcuts(session, shortcuts, options):
                body = [session, [[i, _vardict(d)] for i, d in shortcuts], "", _vardict(options)]
                await self._request("BindShortcuts", "oa(sa{sv})sa{sv}", body)
            case ListShortcuts(session, options):
                await self._request("ListShortcuts", "oa{sv}", [session, _vardict(options)])
            case CloseSession(session):
                self._send_close(session)

    async def _request(self, member: str, signature: str, body: list[Any]) -> None:
        reply = await self._call(
            PORTAL_BUS_NAME, PORTAL_PATH, PORTAL_INTERFACE, member, signature, body, member
        )
        if reply is not None:
            self._feed(CallReturned(member, str(reply[0])))

    async def _add_match(self, rule: str) -> None:
        await self._call(*_BUS, "AddMatch", "s", [rule], on_error="")

    async def _call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str,
        body: list[Any],
        on_error: str | None = None,
    ) -> list[Any] | None:
        """One method call; an error reply is fed as CallFailed(on_error) (raised when
        ``on_error`` is None, ignored when it is empty) and gives None."""
        from dbus_fast import Message, MessageType

        reply = await self._bus.call(
            Message(
                destination=destination,
                path=path,
                interface=interface,
                member=member,
                signature=signature,
                body=body,
            )
        )
        if reply.message_type is MessageType.ERROR:
            text = str(reply.body[0]) if reply.body else ""
            if on_error is None:
                raise RuntimeError(f"{member}: {reply.error_name} {text}")
            if on_error:
                log.info("portal %s failed: %s %s", member, reply.error_name, text)
                self._feed(CallFailed(on_error, str(reply.error_name), text))
            return None
        return list(reply.body)

    def _send_close(self, session: str) -> None:
        from dbus_fast import Message, MessageFlag

        self._bus.send(
            Message(
                destination=PORTAL_BUS_NAME,
                path=session,
                interface=_SESSION,
                member="Close",
                flags=MessageFlag.NO_REPLY_EXPECTED,
            )
        )

    def _on_message(self, msg: Any) -> None:
        """Every message the connection receives: the portal's signals become events."""
        from dbus_fast import MessageType

        if msg.message_type is not MessageType.SIGNAL:
            return
        body = msg.body
        if msg.member == "NameOwnerChanged" and msg.sender == "org.freedesktop.DBus":
            if body and body[0] == PORTAL_BUS_NAME:
                self._owner = body[2] or None
                if not body[2]:
                    self._feed(PortalGone())
            return
        if self._owner is None or msg.sender != self._owner:
            return  # only the portal speaks for the portal
        key = (msg.interface, msg.member)
        if key == (_REQUEST, "Response"):
            self._feed(Response(msg.path, int(body[0]), _plain(body[1])))
        elif key == (PORTAL_INTERFACE, "Activated"):
            self._feed(Activated(str(body[0]), str(body[1]), int(body[2])))
        elif key == (PORTAL_INTERFACE, "Deactivated"):
            self._feed(Deactivated(str(body[0]), str(body[1]), int(body[2])))
        elif key == (PORTAL_INTERFACE, "ShortcutsChanged"):
            self._feed(ShortcutsChanged(str(body[0]), _plain(body[1])))
        elif key == (_SESSION, "Closed"):
            self._feed(SessionClosed(msg.path))


def _path_rule(path: str) -> str:
    return f"type='signal',sender='{PORTAL_BUS_NAME}',path='{path}'"


def _vardict(values: dict[str, str]) -> dict[str, Any]:
    from dbus_fast import Variant

    return {k: Variant("s", v) for k, v in values.items()}


def _plain(value: Any) -> Any:
    """dbus-fast values as plain Python: variants unwrapped, all the way down."""
    from dbus_fast import Variant

    if isinstance(value, Variant):
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _call_name(command: Command) -> str:
    if isinstance(command, GetVersion):
        return "version"
    return type(command).__name__
