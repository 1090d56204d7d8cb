"""Checks an API key before it is kept: ``models.list`` through the SDK, as the service
answers it (a refused key, no network, or the Live models the key can use)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.live.config import Endpoint
from gemini_desk.live.errors import classify
from gemini_desk.live.models import LIST_TIMEOUT_S, Lister, list_live_models

__all__ = ["KeyCheck", "check_key"]

log = logging.getLogger("gemini_desk.live")


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """The answer: the key works (with this many Live models), or why not."""

    live_models: int = 0
    problem: Message | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


async def check_key(
    endpoint: Endpoint, lister: Lister = list_live_models, timeout: float = LIST_TIMEOUT_S
) -> KeyCheck:
    """List the models ``endpoint``'s key can use; never raises for service failures."""
    try:
        models = await asyncio.wait_for(lister(endpoint), timeout)
    except TimeoutError:
        log.info("key check: no answer within %.0f s", timeout)
        return KeyCheck(problem=message(M.NETWORK_UNREACHABLE))
    except Exception as exc:
        error = classify(exc)
        log.info("key check failed: %s (%s)", error.kind.value, error.detail)
        return KeyCheck(problem=error.message)
    log.info("key check: %d Live models", len(models))
    return KeyCheck(live_models=len(models))
