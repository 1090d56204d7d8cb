"""The ScreenCast portal's conversation, sans I/O: replies in, the next call out.

``org.freedesktop.portal.ScreenCast`` (xdg-desktop-portal): ``CreateSession``,
``SelectSources`` and ``Start`` each return a Request object whose ``Response`` signal
(``u`` code, ``a{sv}`` results) carries the answer: 0 done, 1 the user cancelled, 2 it
ended another way. ``OpenPipeWireRemote`` answers directly with a file descriptor.
:class:`ScreenCastFlow` knows the order, the option types and how to read the results;
the D-Bus driver (vision/portal_cast.py) only moves messages. Values in ``Call.args``
are ``(signature, value)`` pairs where D-Bus needs a type, so the driver never guesses.

Persistence (ScreenCast version 4): ``SelectSources`` may carry ``persist_mode`` (u: 1
while the app runs, 2 until the user revokes it) and a ``restore_token`` (s) from an
earlier cast; the portal then restores that choice without its picker, or ignores a
token it cannot use and shows the picker. ``Start``'s results carry a new token (tokens
are single use). A cast that failed while restoring is worth one more try with the
picker (:attr:`ScreenCastFlow.retry_with_picker`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENCAST = "org.freedesktop.portal.ScreenCast"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"

MONITOR, WINDOW = 1, 2  # source types (a bit mask)


class Outcome(enum.Enum):
    STARTED = "started"  # streams are known; OpenPipeWireRemote is next
    REFUSED = "refused"  # the user cancelled the desktop's picker (code 1)
    FAILED = "failed"  # the portal ended the request another way (code 2, or bad data)


@dataclass(frozen=True, slots=True)
class Call:
    """One method call. ``token``: the Request's handle token, whose ``Response`` answers
    it (None: the reply itself answers)."""

    method: str
    signature: str
    args: tuple[Any, ...]
    token: str | None = None
    path: str = PORTAL_PATH
    interface: str = SCREENCAST


@dataclass(frozen=True, slots=True)
class CastStream:
    """One PipeWire stream the desktop gives: a monitor or a window."""

    node_id: int
    position: tuple[int, int] | None  # logical, in the desktop's coordinates (monitors)
    size: tuple[int, int] | None  # logical size
    source_type: int  # MONITOR, WINDOW (0: not said)


@dataclass
class ScreenCastFlow:
    """Feed it the portal's answers; it says what to call next or how it ended.

    ``sender`` is our unique bus name (``:1.42``): Request objects live under
    ``/org/freedesktop/portal/desktop/request/1_42/<token>``.
    """

    sender: str
    prefix: str = "gd"
    types: int = MONITOR | WINDOW
    persist_mode: int = 0  # 0: ask each time; 1: while the app runs; 2: until revoked
    restore_token: str | None = None  # offered when persisting; then the one Start gave
    session: str | None = None
    streams: list[CastStream] = field(default_factory=list)
    outcome: Outcome | None = None
    detail: str = ""
    restoring: bool = False  # a token was offered
    _step: str = ""
    _n: int = 0

    @property
    def retry_with_picker(self) -> bool:
        """It failed while restoring an earlier choice: ask again without a token."""
        return self.restoring and self.outcome is Outcome.FAILED

    def _token(self) -> str:
        self._n += 1
        return f"{self.prefix}{self._n}"

    def request_path(self, token: str) -> str:
        name = self.sender.lstrip(":").replace(".", "_")
        return f"{PORTAL_PATH}/request/{name}/{token}"

    def start(self) -> Call:
        self._step = "CreateSession"
        token = self._token()
        options = {"handle_token": ("s", token), "session_handle_token": ("s", self._token())}
        return Call("CreateSession", "a{sv}", (options,), token)

    def on_response(self, code: int, results: dict[str, Any]) -> Call | Outcome:
        """The ``Response`` of the call in progress: the next call, or how it ended."""
        if code != 0:
            return self._end(Outcome.REFUSED if code == 1 else Outcome.FAILED, f"code {code}")
        if self._step == "CreateSession":
            session = results.get("session_handle")
            if not isinstance(session, str) or not session:
                return self._end(Outcome.FAILED, "no session handle")
            self.session = session
            self._step = "SelectSources"
            token = self._token()
            options = {
                "handle_token": ("s", token),
                "types": ("u", self.types),
                "multiple": ("b", False),
            }
            if self.persist_mode:
                options["persist_mode"] = ("u", self.persist_mode)
                if self.restore_token:
                    options["restore_token"] = ("s", self.restore_token)
                    self.restoring = True
            return Call("SelectSources", "oa{sv}", (session, options), token)
        if self._step == "SelectSources":
            self._step = "Start"
            token = self._token()
            options = {"handle_token": ("s", token)}
            return Call("Start", "osa{sv}", (self.session, "", options), token)
        if self._step == "Start":
            given = results.get("restore_token")
            self.restore_token = given if isinstance(given, str) and given else None
            self.streams = parse_streams(results.get("streams"))
            if not self.streams:
                return self._end(Outcome.FAILED, "no stream")
            self._step = "OpenPipeWireRemote"
            return self._end(Outcome.STARTED, "")
        return self._end(Outcome.FAILED, f"unexpected response during {self._step!r}")

    def on_error(self, text: str) -> Outcome:
        """The call in progress got an error reply (a malformed token, for one)."""
        if self._step == "SelectSources":
            self.session = None  # the portal closes the session on invalid input
        return self._end(Outcome.FAILED, text)

    def open_remote(self) -> Call:
        """After STARTED: the call whose reply is the PipeWire file descriptor."""
        return Call("OpenPipeWireRemote", "oa{sv}", (self.session, {}))

    def close(self) -> Call | None:
        """Close the session (stops the desktop's cast), if one was made."""
        session, self.session = self.session, None
        if session is None:
            return None
        return Call("Close", "", (), path=session, interface=SESSION)

    def _end(self, outcome: Outcome, detail: str) -> Outcome:
        self.outcome, self.detail = outcome, detail
        if outcome is not Outcome.STARTED:
            self.restore_token = None  # spent, or not usable: the picker next time
        return outcome


def parse_streams(value: Any) -> list[CastStream]:
    """Read ``a(ua{sv})`` as the driver hands it: ``[[node_id, {key: value}], ...]``."""
    streams = []
    for item in value or []:
        try:
            node_id, props = int(item[0]), dict(item[1])
        except (TypeError, ValueError, IndexError):
            continue
        streams.append(
            CastStream(
                node_id,
                _pair(props.get("position")),
                _pair(props.get("size")),
                int(props.get("source_type", 0) or 0),
            )
        )
    return streams


def _pair(value: Any) -> tuple[int, int] | None:
    try:
        a, b = value
        return int(a), int(b)
    except (TypeError, ValueError):
        return None
