"""A PulseAudio playback stream through libpulse's own API (ctypes, no Python callbacks).

Why not PortAudio here: through ALSA's ``pulse`` plugin a stream can only be stopped and
restarted to drop what it already holds (the plugin then re-creates the server stream:
~0.5 s of silence), so barge-in speed was bought with tiny buffers and a Python callback
every 6 ms. libpulse can *rewrite* what a stream has queued on the server (a write with a
negative seek), so the buffer can be generous (few wake-ups, robust on a busy machine)
and an interruption still silences the speaker at once. PipeWire serves the same
protocol (pipewire-pulse), so this covers both sound servers.

libpulse runs its own event thread (``pa_threaded_mainloop``); every call here takes its
lock and returns without waiting, except opening (waits for the server) and
``queued_frames`` (one round trip for fresh timing). Nothing calls back into Python once
the stream is open (opening asks the server's name through one callback), so the
interpreter is only woken by whoever drives the stream.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["PulseError", "PulseOutput", "libpulse_available"]

_FLOAT32LE = 5  # pa_sample_format_t PA_SAMPLE_FLOAT32LE
_CONTEXT_READY, _CONTEXT_FAILED, _CONTEXT_TERMINATED = 4, 5, 6
_STREAM_READY, _STREAM_FAILED, _STREAM_TERMINATED = 2, 3, 4
_OP_RUNNING = 0
_INTERPOLATE_TIMING, _AUTO_TIMING_UPDATE, _ADJUST_LATENCY = 0x2, 0x8, 0x2000
_SEEK_RELATIVE = 0
_DEFAULT = 0xFFFFFFFF  # (uint32_t) -1: "server's choice" in pa_buffer_attr


class PulseError(RuntimeError):
    """The sound server could not be reached or the stream failed (message for people)."""


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32), ("channels", ctypes.c_uint8)]


class _BufferAttr(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_uint32) for name in ("maxlength", "tlength", "prebuf", "minreq", "fragsize")
    ]


class _TimeVal(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


class _TimingInfo(ctypes.Structure):
    _fields_ = [
        ("timestamp", _TimeVal),
        ("synchronized_clocks", ctypes.c_int),
        ("sink_usec", ctypes.c_uint64),
        ("source_usec", ctypes.c_uint64),
        ("transport_usec", ctypes.c_uint64),
        ("playing", ctypes.c_int),
        ("write_index_corrupt", ctypes.c_int),
        ("write_index", ctypes.c_int64),
        ("read_index_corrupt", ctypes.c_int),
        ("read_index", ctypes.c_int64),
        ("configured_sink_usec", ctypes.c_uint64),
        ("configured_source_usec", ctypes.c_uint64),
        ("since_underrun", ctypes.c_int64),
    ]


class _ServerInfo(ctypes.Structure):
    """The leading fields of pa_server_info (only these are read)."""

    _fields_ = [
        (name, ctypes.c_char_p)
        for name in ("user_name", "host_name", "server_version", "server_name")
    ]


_SERVER_INFO_CB = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.POINTER(_ServerInfo), ctypes.c_void_p
)

_lib: Any = None


def _load() -> Any:
    """libpulse with the signatures used here (loaded once)."""
    global _lib
    if _lib is not None:
        return _lib
    name = ctypes.util.find_library("pulse") or "libpulse.so.0"
    lib = ctypes.CDLL(name)
    p, i, sz = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t
    sigs: dict[str, tuple[Any, list[Any]]] = {
        "pa_threaded_mainloop_new": (p, []),
        "pa_threaded_mainloop_start": (i, [p]),
        "pa_threaded_mainloop_stop": (None, [p]),
        "pa_threaded_mainloop_free": (None, [p]),
        "pa_threaded_mainloop_lock": (None, [p]),
        "pa_threaded_mainloop_unlock": (None, [p]),
        "pa_threaded_mainloop_get_api": (p, [p]),
        "pa_context_new": (p, [p, ctypes.c_char_p]),
        "pa_context_connect": (i, [p, ctypes.c_char_p, i, p]),
        "pa_context_get_state": (i, [p]),
        "pa_context_errno": (i, [p]),
        "pa_context_disconnect": (None, [p]),
        "pa_context_unref": (None, [p]),
        "pa_context_get_server_info": (p, [p, _SERVER_INFO_CB, p]),
        "pa_strerror": (ctypes.c_char_p, [i]),
        "pa_stream_new": (p, [p, ctypes.c_char_p, ctypes.POINTER(_SampleSpec), p]),
        "pa_stream_connect_playback": (
            i,
            [p, ctypes.c_char_p, ctypes.POINTER(_BufferAttr), i, p, p],
        ),
        "pa_stream_get_state": (i, [p]),
        "pa_stream_writable_size": (sz, [p]),
        "pa_stream_write": (i, [p, p, sz, p, ctypes.c_int64, i]),
        "pa_stream_update_timing_info": (p, [p, p, p]),
        "pa_stream_get_timing_info": (ctypes.POINTER(_TimingInfo), [p]),
        "pa_stream_get_latency": (i, [p, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(i)]),
        "pa_stream_get_buffer_attr": (ctypes.POINTER(_BufferAttr), [p]),
        "pa_stream_disconnect": (i, [p]),
        "pa_stream_unref": (None, [p]),
        "pa_operation_get_state": (i, [p]),
        "pa_operation_unref": (None, [p]),
    }
    for fn, (res, args) in sigs.items():
        f = getattr(lib, fn)
        f.restype, f.argtypes = res, args
    _lib = lib
    return lib


def libpulse_available() -> bool:
    """True when libpulse can be loaded (it is installed wherever PulseAudio or
    pipewire-pulse clients run)."""
    try:
        _load()
    except (OSError, AttributeError):
        return False
    return True


class PulseOutput:
    """One mono float32 playback stream on the server's default sink (or ``sink``).

    ``buffer_ms`` is the server-side buffer the writer keeps filled (``tlength``);
    ``request_ms`` the smallest refill the server asks for (``minreq``). Thread use: any
    thread may call the methods (each takes libpulse's lock); ``write`` and
    ``overwrite_tail`` never block on the server.
    """

    def __init__(
        self,
        rate: int,
        buffer_ms: float,
        request_ms: float,
        name: str = "gemini-desk",
        sink: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        lib = self._lib = _load()
        self.rate = int(rate)
        self._ml = lib.pa_threaded_mainloop_new()
        if not self._ml:
            raise PulseError("The sound server client could not start (out of memory?).")
        self._ctx: Any = None
        self._stream: Any = None
        self.written = 0  # frames written (stream index of the next frame we write)
        self.server_name = ""  # "pulseaudio", "PulseAudio (on PipeWire 1.4.2)", ...
        try:
            self._ctx = lib.pa_context_new(
                lib.pa_threaded_mainloop_get_api(self._ml), name.encode()
            )
            if lib.pa_context_connect(self._ctx, None, 0, None) < 0:
                raise PulseError(self._message("connect to the sound server"))
            if lib.pa_threaded_mainloop_start(self._ml) < 0:
                raise PulseError("The sound server client thread could not start.")
            self._wait_for(
                lambda: lib.pa_context_get_state(self._ctx),
                _CONTEXT_READY,
                (_CONTEXT_FAILED, _CONTEXT_TERMINATED),
                timeout,
                "connect to the sound server",
            )
            self.server_name = self._ask_server_name(timeout)
            spec = _SampleSpec(_FLOAT32LE, self.rate, 1)
            frame = 4
            attr = _BufferAttr(
                _DEFAULT,
                round(self.rate * buffer_ms / 1000) * frame,
                frame,
                round(self.rate * request_ms / 1000) * frame,
                _DEFAULT,
            )
            with self.locked():
                self._stream = lib.pa_stream_new(
                    self._ctx, b"Gemini speech", ctypes.byref(spec), None
                )
                if not self._stream:
                    raise PulseError(self._message("create a playback stream"))
                flags = _INTERPOLATE_TIMING | _AUTO_TIMING_UPDATE | _ADJUST_LATENCY
                dev = sink.encode() if sink else None
                if (
                    lib.pa_stream_connect_playback(
                        self._stream, dev, ctypes.byref(attr), flags, None, None
                    )
                    < 0
                ):
                    raise PulseError(self._message("open the speaker"))
            self._wait_for(
                lambda: lib.pa_stream_get_state(self._stream),
                _STREAM_READY,
                (_STREAM_FAILED, _STREAM_TERMINATED),
                timeout,
                "open the speaker",
            )
        except BaseException:
            self.close()
            raise

    # -- state ----------------------------------------------------------------------

    def alive_locked(self) -> bool:
        """False once the server went away or the stream failed (call with
        ``locked()``)."""
        lib = self._lib
        return bool(
            self._stream
            and lib.pa_context_get_state(self._ctx) == _CONTEXT_READY
            and lib.pa_stream_get_state(self._stream) == _STREAM_READY
        )

    @property
    def buffer_frames(self) -> int:
        """The server-side buffer the stream got (tlength), in frames."""
        with self.locked():
            attr = self._lib.pa_stream_get_buffer_attr(self._stream)
            return int(attr.contents.tlength) // 4 if attr else 0

    def latency(self) -> float | None:
        """Seconds until a frame written now is heard (queue + sink), from libpulse's
        interpolated timing (no round trip; call with ``locked()``). None while unknown
        (before the server's first timing update)."""
        usec, neg = ctypes.c_uint64(), ctypes.c_int()
        if self._lib.pa_stream_get_latency(self._stream, ctypes.byref(usec), ctypes.byref(neg)) < 0:
            return None
        return 0.0 if neg.value else usec.value / 1e6

    def sink_latency(self) -> float:
        """Seconds from the server's read position to the ear (the sink's own buffer,
        at most its configured size, plus the transport), from the last timing update
        (call with ``locked()``). An idle sink that was just woken can report seconds
        of silence it rendered before: that is not what our audio will wait behind."""
        ti = self._lib.pa_stream_get_timing_info(self._stream)
        if not ti:
            return 0.0
        info = ti.contents
        sink = min(info.sink_usec, info.configured_sink_usec or info.sink_usec)
        return float(sink + info.transport_usec) / 1e6

    @property
    def on_pipewire(self) -> bool:
        """True when the server is PipeWire's pulse server (pipewire-pulse)."""
        return "pipewire" in self.server_name.lower()

    def sink_block(self) -> float:
        """Seconds the sink renders ahead at most, from the last timing update (call
        with ``locked()``; 10 ms if the server did not say). The server's read position
        can jump by this much at once.

        Measured, the two servers differ. PulseAudio renders in blocks of the stream's
        configured sink latency, while the ``sink_usec`` it reports swings from
        0.4 ms to seconds (taking the smaller of the two cut a barge-in hard, a click,
        about 1 time in 10). pipewire-pulse reports as configured its share of the
        stream's requested buffer (130 ms of a 300 ms request) while its sink holds a
        steady ~1.3 ms (``sink_usec``): skipping the configured figure left 180 ms of
        old audio after a barge-in. So: the configured latency, on PipeWire no more
        than what the sink holds."""
        ti = self._lib.pa_stream_get_timing_info(self._stream)
        if not ti:
            return 0.01
        usec = configured = ti.contents.configured_sink_usec
        held = ti.contents.sink_usec
        if self.on_pipewire and held:
            usec = min(configured, held) if configured else held
        return usec / 1e6 if usec else 0.01

    # -- I/O ------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold libpulse's lock (reentrant use is not allowed; keep it short)."""
        self._lib.pa_threaded_mainloop_lock(self._ml)
        try:
            yield
        finally:
            self._lib.pa_threaded_mainloop_unlock(self._ml)

    def writable_frames(self) -> int:
        """Frames the server's buffer has room for now (call with ``locked()``)."""
        n = self._lib.pa_stream_writable_size(self._stream)
        return 0 if n == ctypes.c_size_t(-1).value else int(n) // 4

    def write(self, block: npt.NDArray[np.float32]) -> None:
        """Queue ``block`` (copied) after what was written (call with ``locked()``)."""
        self._write(block, 0, _SEEK_RELATIVE)
        self.written += block.shape[0]

    def overwrite_tail(self, block: npt.NDArray[np.float32]) -> None:
        """Replace the last ``len(block)`` frames written with ``block`` (call with
        ``locked()``); frames the server already took are not changed."""
        self._write(block, -4 * block.shape[0], _SEEK_RELATIVE)

    def _write(self, block: npt.NDArray[np.float32], offset: int, seek: int) -> None:
        if block.shape[0] == 0:
            return
        data = np.ascontiguousarray(block, dtype=np.float32)
        if (
            self._lib.pa_stream_write(
                self._stream, data.ctypes.data, data.nbytes, None, offset, seek
            )
            < 0
        ):
            raise PulseError(self._message("play audio"))

    def queued_frames(self, timeout: float = 0.05) -> int | None:
        """Frames written but not yet taken by the sink, from fresh timing (one round
        trip; not under ``locked()``). None if the server did not answer in time.

        ``timestamp`` is the local wall-clock time of the server's snapshot (libpulse
        corrects it by half the round trip); frames taken since are subtracted."""
        lib = self._lib
        with self.locked():
            op = lib.pa_stream_update_timing_info(self._stream, None, None)
        if not op:
            return None
        deadline = time.monotonic() + timeout
        try:
            while True:
                with self.locked():
                    if lib.pa_operation_get_state(op) != _OP_RUNNING:
                        ti = lib.pa_stream_get_timing_info(self._stream)
                        if not ti or ti.contents.read_index_corrupt:
                            return None
                        info = ti.contents
                        if info.write_index_corrupt:
                            return None
                        queued = (info.write_index - info.read_index) // 4
                        if info.playing:
                            stamp = info.timestamp.tv_sec + info.timestamp.tv_usec / 1e6
                            queued -= int((time.time() - stamp) * self.rate)
                        return max(0, int(queued))
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.0002)
        finally:
            with self.locked():
                lib.pa_operation_unref(op)

    def close(self) -> None:
        lib = self._lib
        if self._ml:
            lib.pa_threaded_mainloop_stop(self._ml)
        if self._stream:
            lib.pa_stream_disconnect(self._stream)
            lib.pa_stream_unref(self._stream)
            self._stream = None
        if self._ctx:
            lib.pa_context_disconnect(self._ctx)
            lib.pa_context_unref(self._ctx)
            self._ctx = None
        if self._ml:
            lib.pa_threaded_mainloop_free(self._ml)
            self._ml = None

    # -- internals ------------------------------------------------------------------

    def _message(self, what: str) -> str:
        err = self._lib.pa_context_errno(self._ctx) if self._ctx else 0
        text = self._lib.pa_strerror(err).decode(errors="replace") if err else "unknown error"
        return f"Could not {what}: {text}."

    def _ask_server_name(self, timeout: float) -> str:
        """The server's name (one round trip while opening; "" if it did not answer)."""
        lib = self._lib
        names: list[str] = []

        def got(_ctx: Any, info: Any, _data: Any) -> None:  # in libpulse's thread
            if info:
                names.append((info.contents.server_name or b"").decode(errors="replace"))

        # Kept as long as the context: a late answer after the timeout still calls it.
        self._server_info_cb = _SERVER_INFO_CB(got)
        with self.locked():
            op = lib.pa_context_get_server_info(self._ctx, self._server_info_cb, None)
        if not op:
            return ""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                with self.locked():
                    if lib.pa_operation_get_state(op) != _OP_RUNNING:
                        break
                time.sleep(0.001)
        finally:
            with self.locked():
                lib.pa_operation_unref(op)
        return names[0] if names else ""

    def _wait_for(
        self, state: Any, ready: int, failed: tuple[int, ...], timeout: float, what: str
    ) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self.locked():
                s = state()
            if s == ready:
                return
            if s in failed:
                with self.locked():
                    raise PulseError(self._message(what))
            if time.monotonic() > deadline:
                raise PulseError(f"Could not {what}: the sound server did not answer.")
            time.sleep(0.002)
