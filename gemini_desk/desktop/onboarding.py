"""The first run: the welcome's key is checked (models.list) and then connects; the demo
connects at once. From first launch to the first spoken answer in two actions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.messages import message
from gemini_desk.live.config import Endpoint
from gemini_desk.live.key_check import check_key
from gemini_desk.platform.keystore import KeyStore

if TYPE_CHECKING:
    from gemini_desk.ui.main_window import MainWindow


class Endpoints(Protocol):
    """What the app's endpoints do for the first run (app/endpoints.py)."""

    def key_endpoint(self, key: str) -> Endpoint: ...
    def adopt_key(self, key: str) -> None: ...
    def adopt_demo(self) -> None: ...


__all__ = ["Onboarding"]

log = logging.getLogger("gemini_desk.app")


class Onboarding:
    """Answers the welcome view: checks a key, or starts the demo, then connects."""

    def __init__(
        self,
        window: MainWindow,
        endpoints: Endpoints,
        keys: KeyStore,
        connect: Callable[[], None],
    ) -> None:
        self._window = window
        self._endpoints = endpoints
        self._keys = keys
        self._connect = connect
        self._check: asyncio.Task[None] | None = None
        window.welcome.keySubmitted.connect(self._on_key)
        window.welcome.demoChosen.connect(self._on_demo)

    def open(self) -> None:
        log.info("first run: the welcome asks for a key or the demo")
        welcome = self._window.welcome
        welcome.set_storage_note(self._keys.where())
        welcome.open()

    def stop(self) -> None:
        if self._check is not None:
            self._check.cancel()

    def _on_key(self, key: str) -> None:
        if self._check is not None and not self._check.done():
            return
        endpoint = self._endpoints.key_endpoint(key)  # redacted before anything is logged
        self._window.welcome.show_checking()
        self._check = asyncio.get_running_loop().create_task(self._run_check(key, endpoint))

    async def _run_check(self, key: str, endpoint: Endpoint) -> None:
        result = await check_key(endpoint)
        welcome = self._window.welcome
        if result.problem is not None:
            welcome.show_problem(result.problem)
            return
        welcome.show_works(result.live_models)
        self._endpoints.adopt_key(key)
        welcome.finish()
        self._connect()

    def _on_demo(self) -> None:
        log.info("the demo was chosen")
        self._endpoints.adopt_demo()
        self._window.welcome.finish()
        self._window.show_error(message(M.DEMO_REPLAYS))
        self._connect()
