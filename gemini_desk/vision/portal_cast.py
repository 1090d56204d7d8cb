"""The ScreenCast portal over the session bus (dbus-fast on the app's asyncio loop).

Moves :class:`~gemini_desk.vision.screencast_flow.ScreenCastFlow`'s calls and the
portal's ``Response`` signals; the desktop shows its own picker between ``SelectSources``
and ``Start``. The result is a :class:`PortalCast`: the streams and the PipeWire file
descriptor, until ``close()`` ends the session (the desktop stops casting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gemini_desk.vision.screencast_flow import (
    PORTAL_BUS,
    REQUEST,
    SESSION,
    Call,
    CastStream,
    Outcome,
    ScreenCastFlow,
)

log = logging.getLogger("gemini_desk.vision")


class PortalError(Exception):
    """The portal could not be asked, or answered with an error (``str()`` says why)."""


@dataclass
class PortalCast:
    """A started cast: its streams and the PipeWire remote (``fd``, ours to close)."""

    streams: list[CastStream]
    fd: int
    _bus: Any
    _flow: ScreenCastFlow

    @property
    def restore_token(self) -> str | None:
        """What restores this choice next time (with persistence asked), else None."""
        return self._flow.restore_token

    @property
    def restored(self) -> bool:
        """The choice came from a restore token, not from the picker just now."""
        return self._flow.restoring

    async def close(self) -> None:
        """End the portal session and let go of the bus (idempotent)."""
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.fd = -1
        call = self._flow.close()
        bus, self._bus = self._bus, None
        if bus is None:
            return
        try:
            if call is not None:
                await _call(bus, call)
        except (PortalError, OSError, EOFError) as exc:
            log.info("closing the screen-cast session: %s", exc)
        finally:
            bus.disconnect()


async def open_cast(
    types: int,
    on_closed: Callable[[], None] | None = None,
    persist_mode: int = 0,
    restore_token: str | None = None,
) -> tuple[Outcome, PortalCast | None, str]:
    """Ask the desktop for a screen or window: ``(outcome, cast or None, detail)``.

    ``on_closed`` is called if the desktop ends the session later (its own "stop
    sharing" button). With ``persist_mode`` (1 or 2) the cast's
    :attr:`PortalCast.restore_token` restores the choice next time; ``restore_token``
    offers an earlier one (a cast that fails with it is asked once more with the
    picker)."""
    outcome, cast, detail, retry = await _open(types, on_closed, persist_mode, restore_token)
    if retry:
        log.info("the desktop could not restore the earlier choice (%s): asking again", detail)
        outcome, cast, detail, _ = await _open(types, on_closed, persist_mode, None)
    return outcome, cast, detail


async def _open(
    types: int,
    on_closed: Callable[[], None] | None,
    persist_mode: int,
    restore_token: str | None,
) -> tuple[Outcome, PortalCast | None, str, bool]:
    """One attempt: ``open_cast``'s answer and whether to try again with the picker."""
    from dbus_fast import BusType, Message, MessageType
    from dbus_fast.aio import MessageBus

    try:
        bus = await MessageBus(bus_type=BusType.SESSION, negotiate_unix_fd=True).connect()
    except (OSError, ValueError, EOFError) as exc:  # no session bus at all
        raise PortalError(f"no session bus: {exc}") from exc
    flow = ScreenCastFlow(
        bus.unique_name or "",
        types=types,
        persist_mode=persist_mode,
        restore_token=restore_token,
    )
    waiting: dict[str, asyncio.Future[tuple[int, dict[str, Any]]]] = {}
    started = False

    def on_message(msg: Message) -> None:
        if msg.message_type != MessageType.SIGNAL:
            return
        if msg.interface == REQUEST and msg.member == "Response" and msg.path in waiting:
            future = waiting.pop(msg.path)
            if not future.done():
                future.set_result((int(msg.body[0]), _plain(msg.body[1])))
        elif msg.interface == SESSION and msg.member == "Closed" and msg.path == flow.session:
            flow.session = None  # closed by the desktop: nothing to close any more
            if started:
                if on_closed is not None:
                    on_closed()
                return
            # Closed during the handshake (xdpw closes the session when Start fails,
            # sometimes before the Response arrives): the request has ended.
            for future in waiting.values():
                if not future.done():
                    future.set_result((2, {}))
            waiting.clear()

    bus.add_message_handler(on_message)
    try:
        await _add_match(bus, f"type='signal',interface='{REQUEST}',member='Response'")
        await _add_match(bus, f"type='signal',interface='{SESSION}',member='Closed'")
        step: Call | Outcome = flow.start()
        while isinstance(step, Call):
            assert step.token is not None
            path = flow.request_path(step.token)
            future = asyncio.get_running_loop().create_future()
            waiting[path] = future
            try:
                await _call(bus, step)
            except PortalError as exc:
                if not flow.restoring:
                    raise
                waiting.pop(path, None)
                step = flow.on_error(str(exc))  # the token, most likely: try the picker
                break
            code, results = await future
            step = flow.on_response(code, results)
        if step is not Outcome.STARTED:
            await PortalCast([], -1, bus, flow).close()
            return step, None, flow.detail, flow.retry_with_picker
        reply = await _call(bus, flow.open_remote())
        fds = list(reply.unix_fds)
        index = int(reply.body[0])
        fd = fds.pop(index) if 0 <= index < len(fds) else -1
        for other in fds:
            os.close(other)
        if fd < 0:
            await PortalCast([], -1, bus, flow).close()
            return Outcome.FAILED, None, "no PipeWire file descriptor", False
        started = True
        return Outcome.STARTED, PortalCast(flow.streams, fd, bus, flow), "", False
    except BaseException:
        await PortalCast([], -1, bus, flow).close()
        raise


async def _add_match(bus: Any, rule: str) -> None:
    await _call(
        bus,
        Call(
            "AddMatch",
            "s",
            (rule,),
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
        ),
        destination="org.freedesktop.DBus",
    )


async def _call(bus: Any, call: Call, destination: str = PORTAL_BUS) -> Any:
    from dbus_fast import Message, MessageType

    reply = await bus.call(
        Message(
            destination=destination,
            path=call.path,
            interface=call.interface,
            member=call.method,
            signature=call.signature,
            body=[_typed(a) for a in call.args],
        )
    )
    if reply is None or reply.message_type == MessageType.ERROR:
        detail = reply.body[0] if reply is not None and reply.body else ""
        name = reply.error_name if reply is not None else "no reply"
        raise PortalError(f"{call.method}: {name} {detail}".strip())
    return reply


def _typed(value: Any) -> Any:
    """``{key: (signature, value)}`` option dicts become ``a{sv}`` with real Variants."""
    from dbus_fast import Variant

    if isinstance(value, dict):
        return {k: Variant(sig, v) for k, (sig, v) in value.items()}
    return value


def _plain(value: Any) -> Any:
    """Variants unwrapped, all the way down."""
    from dbus_fast import Variant

    if isinstance(value, Variant):
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
