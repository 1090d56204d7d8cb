"""Where the conversation connects: a key's endpoint, or the local demo server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
from typing import TYPE_CHECKING, Protocol

from gemini_desk.core.events import SessionState
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.live.config import Endpoint
from gemini_desk.platform.keystore import KeyStore
from gemini_desk.platform.logs import REDACTOR
from gemini_desk.session.model_wiring import ModelWiring

if TYPE_CHECKING:
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.sim import SimThread

__all__ = ["Endpoints", "start_demo_server"]

log = logging.getLogger("gemini_desk.app")


def start_demo_server() -> tuple[SimThread, str]:
    """A started local Live server and the key it accepts: a random one made for this
    run (no other local user can guess it), registered with the log redactor."""
    from gemini_desk.sim import SimConfig, SimThread

    key = secrets.token_urlsafe(32)
    REDACTOR.add_secret(key)
    return SimThread(SimConfig(api_key=key)).start(), key


class DemoView(Protocol):
    def set_demo_mode(self, demo: bool) -> None: ...


class Endpoints:
    """Chooses the endpoint at start, and switches when a key is entered or the demo
    is chosen (reconnecting if the conversation was connected). The local server is
    started the first time the demo is needed."""

    def __init__(
        self,
        args: argparse.Namespace,
        keys: KeyStore,
        settings: SettingsModel,
        conversation: Conversation,
        view: DemoView,
        model_wiring: ModelWiring,
    ) -> None:
        self._args = args
        self._keys = keys
        self._settings = settings
        self._conv = conversation
        self._view = view
        self._model_wiring = model_wiring
        self.sim: SimThread | None = None
        self._demo_key = ""

    def first(self) -> Endpoint | None:
        """The endpoint to start with; None on a first run (no key, and the demo was
        never chosen): the welcome asks, and nothing runs before the user chooses."""
        endpoint = self._chosen()
        if endpoint is not None:
            return endpoint
        asked = self._settings.current.demo_chosen or bool(self._args.connect)
        return self.demo() if asked else None

    def key_endpoint(self, key: str) -> Endpoint:
        """Where ``key`` connects (Google, or --base-url); the key is redacted from now on."""
        REDACTOR.add_secret(key)
        base_url = self._args.base_url or os.environ.get("GOOGLE_GEMINI_BASE_URL") or None
        return Endpoint(api_key=key, base_url=base_url)

    def adopt_key(self, key: str) -> None:
        """A key that was checked, while nothing is connected: keep it, use it now."""
        endpoint = self.key_endpoint(key)
        where = self._keys.set(key)
        log.info("API key saved (%s)", where)
        self._settings.update(demo_chosen=False)
        self.use(endpoint)

    def adopt_demo(self) -> None:
        """The demo was chosen while nothing is connected: use it now."""
        self._settings.update(demo_chosen=True)
        self.use(self.demo())

    def _chosen(self) -> Endpoint | None:
        """--demo, else a key (env or keyring) for --base-url / Google, else None."""
        if self._args.demo:
            return self.demo()
        stored = self._keys.get()
        base_url = self._args.base_url or os.environ.get("GOOGLE_GEMINI_BASE_URL") or None
        if stored is None:
            return None
        REDACTOR.add_secret(stored.key)
        return Endpoint(api_key=stored.key, base_url=base_url)

    def demo(self) -> Endpoint:
        if self.sim is None:
            self.sim, self._demo_key = start_demo_server()
            log.info("demo mode: local Live server at %s", self.sim.base_url)
        return Endpoint(
            api_key=self._demo_key, base_url=self.sim.base_url, ca_file=self.sim.ca_file, demo=True
        )

    def use(self, endpoint: Endpoint) -> None:
        """Connect to ``endpoint`` from now on; its models are listed afresh."""
        self._conv.endpoint = endpoint
        self._view.set_demo_mode(endpoint.demo)
        self._model_wiring.use_endpoint(endpoint)  # cached list now, then a fresh one

    def key_entered(self, key: str) -> None:
        REDACTOR.add_secret(key)
        where = self._keys.set(key)
        log.info("API key saved (%s)", where)
        self._settings.update(demo_chosen=False)
        self._switch(Endpoint(api_key=key, base_url=self._args.base_url or None))

    def demo_chosen(self) -> None:
        self._settings.update(demo_chosen=True)
        self._switch(self.demo())

    def _switch(self, endpoint: Endpoint) -> None:
        conv = self._conv

        async def switch() -> None:
            was_connected = conv.state is not SessionState.DISCONNECTED
            await conv.disconnect()
            self.use(endpoint)
            if was_connected:
                conv.connect()

        asyncio.get_running_loop().create_task(switch())

    def stop(self) -> None:
        """Start stopping the demo server and return at once: quitting does not wait on
        its clients. The server gives them a moment to close, then cuts them off; the
        process waits for that (bounded) before it exits."""
        if self.sim is not None:
            self.sim.stop_soon()
