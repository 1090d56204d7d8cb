"""The sources of a grounded answer, from the service's grounding metadata."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

_SCHEMES = ("http://", "https://")


class _Grounded(Protocol):
    grounding: list[dict[str, object]]


def _get(data: Mapping[str, Any], snake: str, camel: str) -> Any:
    """A field stored by its Python name (``model_dump``) or its wire name."""
    return data.get(snake, data.get(camel))


def sources_of(grounding: Iterable[object]) -> list[tuple[str, str]]:
    """``(title, uri)`` of every web source in ``grounding`` (groundingMetadata dicts),
    in order, each uri once. Only http(s) links are kept; a source without a title is
    named by its domain, else its uri."""
    found: dict[str, str] = {}
    for metadata in grounding:
        if not isinstance(metadata, Mapping):
            continue
        chunks = _get(metadata, "grounding_chunks", "groundingChunks")
        for chunk in chunks if isinstance(chunks, list) else []:
            web = chunk.get("web") if isinstance(chunk, Mapping) else None
            if not isinstance(web, Mapping):
                continue
            uri = str(web.get("uri") or "").strip()
            if not uri.lower().startswith(_SCHEMES) or uri in found:
                continue
            title = " ".join(str(web.get("title") or web.get("domain") or "").split())
            found[uri] = title or uri
    return [(title, uri) for uri, title in found.items()]


def sources(turn: _Grounded) -> list[tuple[str, str]]:
    """The web sources of ``turn``'s answer (a transcript Turn), in order, each once."""
    return sources_of(turn.grounding)
