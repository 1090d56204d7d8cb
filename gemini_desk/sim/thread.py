"""SimThread: a SimServer on its own event loop in a daemon thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .config import SimConfig
from .faults import Fault
from .records import SimToolCall
from .server import SimServer

T = TypeVar("T")


class SimThread:
    """Run a :class:`SimServer` in the background; all control calls are thread-safe."""

    def __init__(
        self,
        config: SimConfig | None = None,
        port: int = 0,
        cert_dir: Path | str | None = None,
    ) -> None:
        self.server = SimServer(config, port=port, cert_dir=cert_dir)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop_lock = threading.Lock()
        self._stopper: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> SimThread:
        """Start serving; returns once the server is listening."""
        if self._thread is not None:
            raise RuntimeError("SimThread already started")
        self._thread = threading.Thread(target=self._main, name="gemini-desk-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the sim did not start in time")
        if self._error is not None:
            self._thread.join()
            raise RuntimeError("the sim failed to start") from self._error
        return self

    def _main(self) -> None:
        # A plain selector loop, whatever the host app's policy would make (e.g. qasync's).
        loop = asyncio.SelectorEventLoop()
        self._loop = loop
        try:
            loop.run_until_complete(self.server.start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self.server.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop_soon(self, timeout: float = 30.0) -> threading.Thread | None:
        """Start stopping the server and return at once (e.g. from a GUI thread).

        The server gives its clients ``config.stop_grace_s`` to close, then cuts them
        off. Returns the (non-daemon) thread that waits up to ``timeout`` for the sim's
        thread to end, so the interpreter does not exit before the server cleaned up;
        None if the sim was not running.
        """
        with self._stop_lock:
            if self._stopper is not None:
                return self._stopper
            loop, thread = self._loop, self._thread
            if loop is None or thread is None or not thread.is_alive():
                return None
            with contextlib.suppress(RuntimeError):  # the loop closed: the sim is ending
                loop.call_soon_threadsafe(loop.stop)  # _main then stops the server
            self._stopper = threading.Thread(
                target=thread.join, args=(timeout,), name="gemini-desk-sim-stop"
            )
            self._stopper.start()
            return self._stopper

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server and the thread, waiting up to ``timeout`` for them."""
        stopper = self.stop_soon(timeout)
        if stopper is not None:
            stopper.join()
        if self.running:
            raise TimeoutError("the sim did not stop in time")

    @property
    def running(self) -> bool:
        """The sim's thread is alive (serving, or stopping)."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> SimThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def ca_file(self) -> Path:
        return self.server.ca_file

    # ---- thread-safe control -----------------------------------------------------

    def call(self, func: Callable[..., Any], *args: Any, timeout: float = 10.0, **kw: Any) -> Any:
        """Run ``func(*args, **kw)`` on the sim's loop (awaiting it if it is a coroutine)."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("SimThread not started")

        async def run() -> Any:
            result = func(*args, **kw)
            if isinstance(result, Awaitable):
                result = await result
            return result

        return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout)

    def drop(self) -> int:
        return int(self.call(self.server.drop))

    def fail(self, code: int = 1011, reason: str = "Internal error encountered.") -> int:
        return int(self.call(self.server.fail, code, reason))

    def go_away(self, time_left_s: float = 5.0, close_after: bool = True) -> int:
        return int(self.call(self.server.go_away, time_left_s, close_after))

    def set_pacing(self, mode: str) -> None:
        self.call(self.server.set_pacing, mode)

    def queue_reply(
        self,
        text: str,
        audio: Any = None,
        input_text: str | None = None,
        *,
        turn_complete_reason: str | None = None,
        thoughts: Sequence[str] | None = None,
        grounding: Mapping[str, Any] | None = None,
        waiting_for_input: bool = False,
    ) -> None:
        """See :meth:`SimServer.queue_reply`."""
        self.call(
            self.server.queue_reply,
            text,
            audio,
            input_text,
            turn_complete_reason=turn_complete_reason,
            thoughts=thoughts,
            grounding=grounding,
            waiting_for_input=waiting_for_input,
        )

    def script_next_connection(self, *faults: Fault) -> None:
        self.call(self.server.script_next_connection, *faults)

    def forget_handles(self) -> int:
        return int(self.call(self.server.forget_handles))

    def send_tool_call(
        self, name: str, args: dict[str, Any] | None = None, call_id: str | None = None
    ) -> str:
        """See :meth:`SimServer.send_tool_call`; returns the call's id."""
        return str(self.call(self.server.send_tool_call, name, args, call_id))

    def cancel_tool_calls(self, ids: Sequence[str]) -> None:
        self.call(self.server.cancel_tool_calls, list(ids))

    def queue_tool_call(self, name: str, args: dict[str, Any] | None = None) -> None:
        """See :meth:`SimServer.queue_tool_call`."""
        self.call(self.server.queue_tool_call, name, args)

    def tool_calls(self) -> list[SimToolCall]:
        """Every call issued so far (a snapshot, read on the sim's loop)."""
        return list(self.call(self.server.tool_calls))

    def late_tool_responses(self) -> list[dict[str, Any]]:
        return list(self.call(self.server.late_tool_responses))

    def wait_until(
        self, predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.01
    ) -> T:
        """Poll ``predicate`` from the calling thread until it is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            time.sleep(interval)
