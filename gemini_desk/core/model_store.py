"""The list of Live models last read from the service, kept on disk with its date."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gemini_desk.core.models import ModelInfo

log = logging.getLogger("gemini_desk.models")


@dataclass(frozen=True, slots=True)
class ListedModels:
    """Models one endpoint listed, and when (seconds since the epoch)."""

    models: tuple[ModelInfo, ...]
    fetched_at: float


class ModelStore:
    """One JSON file; one entry per endpoint (``"google"``, ``"demo"``, a base URL)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, endpoint: str) -> ListedModels | None:
        entry = self._read().get(endpoint)
        if not isinstance(entry, dict):
            return None
        try:
            models = tuple(
                ModelInfo(str(m["id"]), str(m.get("display_name", "")))
                for m in entry["models"]
                if isinstance(m, dict)
            )
            fetched = float(entry["fetched_at"])
        except (KeyError, TypeError, ValueError):
            log.warning("ignoring a malformed model cache entry for %s", endpoint)
            return None
        return ListedModels(models, fetched) if models else None

    def save(self, endpoint: str, listed: ListedModels) -> None:
        data = self._read()
        data[endpoint] = {
            "fetched_at": listed.fetched_at,
            "models": [{"id": m.id, "display_name": m.display_name} for m in listed.models],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".models-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("model cache %s unreadable (%s); starting afresh", self.path, exc)
            return {}
        return raw if isinstance(raw, dict) else {}
