"""The sound server's own devices, by the names people know them by.

Through PortAudio a PulseAudio or PipeWire server is one ALSA device (``pulse``) that
plays on the server's default sink. The server itself knows each sink and source by a
stable name (``alsa_output.pci-0000_00_1f.3.analog-stereo``) and a description
("Built-in Audio Analog Stereo"); this module lists them through libpulse (the library
the app's speaker already uses) and routes a stream to one of them.

A device chosen this way is stored as ``pulse:<name>`` (``server_id``): the name is
the server's stable id, so the choice survives restarts and replugging. Opening it
goes through PortAudio's ``pulse`` device with ``PULSE_SINK`` / ``PULSE_SOURCE`` set
to the name while the stream opens (libpulse inside ALSA's pulse plugin reads them
then), or, for the libpulse speaker, by naming the sink directly.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from gemini_desk.audio.pulse_output import _load

__all__ = [
    "PREFIX",
    "ServerDevice",
    "list_server_devices",
    "routed",
    "server_name",
]

Kind = Literal["input", "output"]

PREFIX = "pulse:"
_CONTEXT_READY, _CONTEXT_FAILED, _CONTEXT_TERMINATED = 4, 5, 6
_OP_RUNNING = 0
_ENV = {"input": "PULSE_SOURCE", "output": "PULSE_SINK"}


@dataclass(frozen=True, slots=True)
class ServerDevice:
    """A sink (speaker) or source (microphone) of the sound server."""

    name: str  # the server's stable id
    description: str  # what people call it

    @property
    def id(self) -> str:
        """What the settings store: ``pulse:<name>``."""
        return PREFIX + self.name


class _Info(ctypes.Structure):
    """The leading fields pa_sink_info and pa_source_info share (only these are read)."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("index", ctypes.c_uint32),
        ("description", ctypes.c_char_p),
    ]


_INFO_CB = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.POINTER(_Info), ctypes.c_int, ctypes.c_void_p
)


def server_name(spec: str | int | None) -> str | None:
    """The server device's name in a ``pulse:<name>`` setting, else None."""
    if isinstance(spec, str) and spec.startswith(PREFIX) and len(spec) > len(PREFIX):
        return spec[len(PREFIX) :]
    return None


@contextlib.contextmanager
def routed(kind: Kind, spec: str | int | None) -> Iterator[None]:
    """While a ``kind`` stream is opened through ALSA's pulse plugin: route it to the
    server device ``spec`` names (``pulse:<name>``). The environment is as it was
    afterwards (libpulse reads it when the plugin opens its connection), so nothing
    else opened later, and no child process, inherits the choice."""
    name = server_name(spec)
    if name is None:
        yield
        return
    var = _ENV[kind]
    before = os.environ.get(var)
    os.environ[var] = name
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = before


def list_server_devices(kind: Kind, timeout: float = 2.0) -> list[ServerDevice]:
    """The server's sources (``input``: monitors of sinks left out) or sinks
    (``output``), in the server's order; [] when no server answers."""
    try:
        lib = _signatures()
    except (OSError, AttributeError):
        return []
    found: list[ServerDevice] = []
    done = [False]

    def got(_ctx: Any, info: Any, eol: int, _data: Any) -> None:  # libpulse's thread
        if eol:
            done[0] = True
            return
        if info:
            name = (info.contents.name or b"").decode(errors="replace")
            text = (info.contents.description or b"").decode(errors="replace")
            found.append(ServerDevice(name, text or name))

    ml = lib.pa_threaded_mainloop_new()
    if not ml:
        return []
    ctx = lib.pa_context_new(lib.pa_threaded_mainloop_get_api(ml), b"gemini-desk")
    callback = _INFO_CB(got)  # kept alive until the loop is freed
    try:
        if lib.pa_context_connect(ctx, None, 0x1, None) < 0:  # PA_CONTEXT_NOAUTOSPAWN
            return []
        if lib.pa_threaded_mainloop_start(ml) < 0:
            return []
        deadline = time.monotonic() + timeout
        while True:
            lib.pa_threaded_mainloop_lock(ml)
            state = lib.pa_context_get_state(ctx)
            lib.pa_threaded_mainloop_unlock(ml)
            if state == _CONTEXT_READY:
                break
            if state in (_CONTEXT_FAILED, _CONTEXT_TERMINATED) or time.monotonic() > deadline:
                return []
            time.sleep(0.002)
        ask = (
            lib.pa_context_get_source_info_list
            if kind == "input"
            else lib.pa_context_get_sink_info_list
        )
        lib.pa_threaded_mainloop_lock(ml)
        op = ask(ctx, callback, None)
        lib.pa_threaded_mainloop_unlock(ml)
        if not op:
            return []
        try:
            while not done[0] and time.monotonic() < deadline:
                time.sleep(0.002)
        finally:
            lib.pa_threaded_mainloop_lock(ml)
            lib.pa_operation_unref(op)
            lib.pa_threaded_mainloop_unlock(ml)
        if not done[0]:
            return []
    finally:
        lib.pa_threaded_mainloop_stop(ml)
        lib.pa_context_disconnect(ctx)
        lib.pa_context_unref(ctx)
        lib.pa_threaded_mainloop_free(ml)
        del callback
    if kind == "input":
        found = [d for d in found if not d.name.endswith(".monitor")]
    return found


def _signatures() -> Any:
    """libpulse (audio/pulse_output.py loads it) with the listing calls' signatures."""
    lib = _load()
    p = ctypes.c_void_p
    for fn in ("pa_context_get_sink_info_list", "pa_context_get_source_info_list"):
        f = getattr(lib, fn)
        f.restype, f.argtypes = p, [p, _INFO_CB, p]
    return lib
