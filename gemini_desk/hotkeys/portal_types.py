"""What the GlobalShortcuts portal machine takes in and gives out (plain values only).

See :mod:`gemini_desk.hotkeys.portal_machine` for the interface they stand for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
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
    "PortalGone",
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
]


@dataclass(frozen=True, slots=True)
class Shortcut:
    """One shortcut to bind: its id, what it does (for the desktop's dialog), the keys
    we would like (shortcuts-spec text, ``CTRL+ALT+space``)."""

    id: str
    description: str
    preferred_trigger: str


# --- events ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Started:
    """Connected to the session bus as ``sender`` (our unique name, ``:1.42``)."""

    sender: str


@dataclass(frozen=True, slots=True)
class BusUnavailable:
    """No session bus to talk to."""

    reason: str


@dataclass(frozen=True, slots=True)
class VersionReply:
    version: int


@dataclass(frozen=True, slots=True)
class CallFailed:
    """A method call got an error reply (``call``: the member name, or ``version``)."""

    call: str
    error: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class CallReturned:
    """CreateSession / BindShortcuts / ListShortcuts returned its request handle."""

    call: str
    handle: str


@dataclass(frozen=True, slots=True)
class Response:
    """``Request.Response`` on ``path``."""

    path: str
    code: int
    results: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Activated:
    session: str
    shortcut_id: str
    timestamp: int


@dataclass(frozen=True, slots=True)
class Deactivated:
    session: str
    shortcut_id: str
    timestamp: int


@dataclass(frozen=True, slots=True)
class ShortcutsChanged:
    session: str
    shortcuts: Sequence[Any]


@dataclass(frozen=True, slots=True)
class SessionClosed:
    session: str


@dataclass(frozen=True, slots=True)
class PortalGone:
    """The portal's bus name lost its owner (the portal exited)."""


@dataclass(frozen=True, slots=True)
class Rebind:
    """The user changed the keys: bind these instead."""

    shortcuts: tuple[Shortcut, ...]


@dataclass(frozen=True, slots=True)
class Stop:
    """The app is going away (or the backend is switched off)."""


Event = (
    Started
    | BusUnavailable
    | VersionReply
    | CallFailed
    | CallReturned
    | Response
    | Activated
    | Deactivated
    | ShortcutsChanged
    | SessionClosed
    | PortalGone
    | Rebind
    | Stop
)


# --- commands -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GetVersion:
    """Read the GlobalShortcuts ``version`` property (answer: VersionReply / CallFailed)."""


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Listen to the portal's signals on ``path`` (a Request or a Session object)."""

    path: str


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    path: str


@dataclass(frozen=True, slots=True)
class CreateSession:
    options: dict[str, str]


@dataclass(frozen=True, slots=True)
class BindShortcuts:
    session: str
    shortcuts: tuple[tuple[str, dict[str, str]], ...]
    options: dict[str, str]


@dataclass(frozen=True, slots=True)
class ListShortcuts:
    session: str
    options: dict[str, str]


@dataclass(frozen=True, slots=True)
class CloseSession:
    session: str


@dataclass(frozen=True, slots=True)
class Edge:
    """A shortcut went down or up; ``timestamp`` is the portal's (ms, undefined base),
    None when the machine releases a key itself; ``held_ms`` on a release."""

    shortcut_id: str
    down: bool
    timestamp: int | None = None
    held_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Triggers:
    """The keys the desktop chose, for people (``{"push-to-talk": "Ctrl+Alt+Space"}``);
    a shortcut it did not bind is absent."""

    chosen: dict[str, str]


@dataclass(frozen=True, slots=True)
class Available:
    """The shortcuts are bound: global keys work from now on."""


@dataclass(frozen=True, slots=True)
class Fallback:
    """The portal is missing or refused: only the in-window keys and ``--ptt`` remain
    (whether to tell the user is :mod:`gemini_desk.hotkeys.portal_notice`'s call)."""

    reason: str  # "missing" or "refused"


@dataclass(frozen=True, slots=True)
class Lost:
    """Bound keys stopped working without being asked to (a held key's release is lost)."""

    reason: str


Command = (
    GetVersion
    | Subscribe
    | Unsubscribe
    | CreateSession
    | BindShortcuts
    | ListShortcuts
    | CloseSession
    | Edge
    | Triggers
    | Available
    | Fallback
    | Lost
)
