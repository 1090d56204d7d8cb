"""Lists the Live models a key can use (``models.list``), and keeps the list current."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from gemini_desk.core.model_store import ListedModels, ModelStore
from gemini_desk.core.models import FALLBACK_MODELS, ModelInfo, live_models, replacement_for
from gemini_desk.live.config import Endpoint, make_client

log = logging.getLogger("gemini_desk.live")

PAGE_SIZE = 50
LIST_TIMEOUT_S = 10.0

Lister = Callable[[Endpoint], Awaitable[list[ModelInfo]]]


async def list_live_models(endpoint: Endpoint, page_size: int = PAGE_SIZE) -> list[ModelInfo]:
    """Every model the service lists with ``bidiGenerateContent``, newest first.

    Raises whatever the SDK raises (network, TLS, a refused key).
    """
    client = make_client(endpoint)
    rows: list[tuple[str, str, list[str]]] = []
    pager = await client.aio.models.list(config={"page_size": page_size})
    async for model in pager:
        rows.append((model.name or "", model.display_name or "", model.supported_actions or []))
    return live_models(rows)


def endpoint_key(endpoint: Endpoint) -> str:
    """Which cache entry an endpoint's list belongs to (the demo server's port changes)."""
    if endpoint.demo:
        return "demo"
    return endpoint.base_url or "google"


class ModelCatalog:
    """The Live models to offer: as listed by the service, else cached, else built in.

    ``refresh()`` lists them for an endpoint (and caches the list with its date);
    ``replacement_for(stored)`` says which model to use when the service no longer
    lists the stored one. Only a list that came from the service (now or cached) can
    retire a model: the built-in fallback never does.
    """

    def __init__(
        self,
        store: ModelStore,
        lister: Lister = list_live_models,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._lister = lister
        self._clock = clock
        self._listed: ListedModels | None = None
        self._refreshing: asyncio.Task[bool] | None = None
        self._refreshing_for: Endpoint | None = None
        self.last_error: BaseException | None = None

    @property
    def models(self) -> tuple[ModelInfo, ...]:
        return self._listed.models if self._listed is not None else FALLBACK_MODELS

    @property
    def from_service(self) -> bool:
        """True when ``models`` is what the service listed (now or in the cache)."""
        return self._listed is not None

    @property
    def fetched_at(self) -> float | None:
        return self._listed.fetched_at if self._listed is not None else None

    def use_endpoint(self, endpoint: Endpoint) -> None:
        """Show the cached list of ``endpoint`` (if any) until it is refreshed."""
        self._listed = self._store.load(endpoint_key(endpoint))

    def replacement_for(self, stored: str) -> str | None:
        if self._listed is None:
            return None
        return replacement_for(stored, self._listed.models)

    async def refresh(self, endpoint: Endpoint) -> bool:
        """List the models now; True when the service answered. Callers asking for the
        same endpoint share one listing; another endpoint replaces it."""
        task = self._refreshing
        if task is None or task.done() or self._refreshing_for != endpoint:
            if task is not None and not task.done():
                task.cancel()  # the endpoint changed: its answer no longer matters
            task = asyncio.get_running_loop().create_task(self._refresh(endpoint))
            self._refreshing, self._refreshing_for = task, endpoint
        return await asyncio.shield(task)

    async def close(self) -> None:
        """Cancel a listing under way and wait for it to end (before the loop closes)."""
        task, self._refreshing = self._refreshing, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_refreshed(self, timeout: float) -> None:
        """Wait (up to ``timeout``) for a listing in progress, if any."""
        task = self._refreshing
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=timeout)

    async def _refresh(self, endpoint: Endpoint) -> bool:
        try:
            models = await asyncio.wait_for(self._lister(endpoint), LIST_TIMEOUT_S)
        except Exception as exc:  # listing is best effort: the cache or fallback stays
            self.last_error = exc
            log.info("listing models failed: %r", exc)
            return False
        self.last_error = None
        if not models:
            log.info("the service listed no Live models; keeping the previous list")
            return False
        self._listed = ListedModels(tuple(models), self._clock())
        try:
            self._store.save(endpoint_key(endpoint), self._listed)
        except OSError as exc:
            log.warning("could not cache the model list: %r", exc)
        log.info("%d Live models listed", len(models))
        return True
