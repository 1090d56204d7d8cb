"""The local Live server in a process of its own, driven over a pipe (for benchmarks).

A real client never shares its interpreter, its GIL or its CPU clock with the server. In
one process the server's per-message work (parsing, VAD) holds the GIL the client's audio
callbacks need and lands in the same CPU account, so an engine that sends more messages
looked slower than it is.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["SimProcess"]


def _serve(conn: Connection, config: dict[str, Any]) -> None:
    """Child process: a SimThread (recording everything, as benchmarks count what it
    received); each message names one of its methods to call."""
    from gemini_desk.sim import SimConfig, SimThread

    sim = SimThread(SimConfig(**{"full_records": True, **config})).start()
    conn.send((sim.base_url, str(sim.ca_file)))
    while True:
        name, args, kwargs = conn.recv()
        if name == "stop":
            sim.stop()
            conn.send((True, None))
            return
        try:
            conn.send((True, getattr(sim, name)(*args, **kwargs)))
        except Exception as exc:  # report it in the parent, keep serving
            conn.send((False, repr(exc)))


class SimProcess:
    """Starts the sim in a child process; ``call(name, ...)`` runs ``SimThread.name``
    there (thread-safe: the pacer thread and the event loop both call it)."""

    def __init__(self, **config: Any) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._lock = threading.Lock()
        self._proc = ctx.Process(target=_serve, args=(child, config), daemon=True)
        self._proc.start()
        base_url, ca = self._conn.recv()
        self.base_url: str = base_url
        self.ca_file = Path(ca)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self._conn.send((name, args, kwargs))
            ok, value = self._conn.recv()
        if not ok:
            raise RuntimeError(f"sim.{name} failed: {value}")
        return value

    def queue_reply(self, text: str, audio: Any = None) -> None:
        self.call("queue_reply", text, audio=audio)

    def set_pacing(self, mode: str) -> None:
        self.call("set_pacing", mode)

    def stop(self) -> None:
        if self._proc.is_alive():
            self.call("stop")
        self._proc.join(10)

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
