"""Keeps the chosen model current: lists the service's models, replaces a retired one,
and connects only once a listing under way has answered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from gemini_desk.core.models import DEFAULT_MODEL, ModelInfo, capabilities, display_name
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.live.config import Endpoint
from gemini_desk.live.models import ModelCatalog

log = logging.getLogger("gemini_desk.models")

# Connecting waits this long for a model listing under way (a retired model is replaced
# before the first connect); past it, the connect goes ahead with what is known.
LISTING_WAIT_S = 3.0
# A connect lists the models again when the last list is older than this.
STALE_AFTER_S = 60 * 60


class ModelView(Protocol):
    """What the wiring tells the window (MainWindow implements it)."""

    def set_model(self, model: str, label: str = "") -> None: ...
    def show_model_retired(self, old: str, new_label: str) -> None: ...
    def clear_error(self) -> None: ...


class ModelListView(Protocol):
    """An open settings dialog that shows the list (SettingsDialog implements it)."""

    def set_models(
        self, models: tuple[ModelInfo, ...], fetched_at: float | None, failed: bool = False
    ) -> None: ...


class ModelWiring:
    """Owns the model catalogue's listings and the switch to another model.

    It writes the model (and a thinking level the model does not take) through
    ``settings``, and shows the model's name whenever it changes, whoever changed it.
    ``pinned`` is a model chosen on the command line for this run: it is never replaced.
    """

    def __init__(
        self,
        catalog: ModelCatalog,
        view: ModelView,
        settings: SettingsModel,
        pinned: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalog = catalog
        self._view = view
        self._settings = settings
        self._pinned = pinned
        self._clock = clock
        self._endpoint: Endpoint | None = None
        self._listing: asyncio.Task[None] | None = None
        self._notice: tuple[str, str] | None = None  # shown again once connecting clears it
        self.list_view: ModelListView | None = None  # the open settings dialog, if any
        self._unsubscribe = settings.subscribe(("model",), lambda _old, _new: self.show_model())

    def use_endpoint(self, endpoint: Endpoint) -> None:
        """Show this endpoint's cached list now, and list its models afresh."""
        self.catalog.use_endpoint(endpoint)
        self.replace_retired()
        self.refresh(endpoint)

    def refresh(self, endpoint: Endpoint) -> None:
        """Ask the service which Live models the key can use (in the background)."""
        self._endpoint = endpoint

        async def listing() -> None:
            listed = await self.catalog.refresh(endpoint)
            if listed:
                self.replace_retired()
            self.show_model()
            if self.list_view is not None:
                self.list_view.set_models(
                    self.catalog.models, self.catalog.fetched_at, failed=not listed
                )

        self._listing = asyncio.get_running_loop().create_task(listing(), name="list-models")

    def replace_retired(self) -> None:
        """A stored model the service no longer lists gives way to the default."""
        if self._pinned:
            return
        old = self._settings.current.model
        new = self.catalog.replacement_for(old)
        if new is None:
            return
        log.info("model %s is no longer listed; using %s", old, new)
        self.use_model(new)
        self._notice = (old, display_name(new, self.catalog.models))
        self._view.show_model_retired(*self._notice)

    def use_model(self, model: str) -> None:
        """Switch to ``model``, dropping a thinking level it does not take."""
        thinking = self._settings.current.thinking_level
        if thinking not in capabilities(model).thinking_levels:
            thinking = ""
        self._settings.update(model=model, thinking_level=thinking)

    def use_default(self) -> None:
        """One click after an unknown-model error: the default model."""
        self._pinned = False
        self.use_model(DEFAULT_MODEL)
        self._view.clear_error()

    def show_model(self) -> None:
        model = self._settings.current.model
        self._view.set_model(model, display_name(model, self.catalog.models))

    def connect_when_listed(self, connect: Callable[[], None]) -> None:
        """Run ``connect`` once a listing under way has answered (or LISTING_WAIT_S);
        a list older than STALE_AFTER_S is asked for again first."""
        fetched = self.catalog.fetched_at
        stale = fetched is None or self._clock() - fetched > STALE_AFTER_S
        idle = self._listing is None or self._listing.done()
        if stale and idle and self._endpoint is not None:
            self.refresh(self._endpoint)
        listing = self._listing
        if listing is None or listing.done():
            self._connect(connect)
            return

        async def after_listing() -> None:
            await asyncio.wait({listing}, timeout=LISTING_WAIT_S)
            self._connect(connect)

        asyncio.get_running_loop().create_task(after_listing(), name="connect")

    def _connect(self, connect: Callable[[], None]) -> None:
        connect()  # ends the notices of the last connection's errors...
        if self._notice is not None:  # ...but the user has not read this one yet
            self._view.show_model_retired(*self._notice)
            self._notice = None

    async def stop(self) -> None:
        """Stop listening to settings; cancel a listing under way and wait for it."""
        self._unsubscribe()
        listing, self._listing = self._listing, None
        if listing is not None and not listing.done():
            listing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listing
        await self.catalog.close()
