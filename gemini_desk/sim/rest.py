"""Sans-I/O REST side of the sim: ``GET /{version}/models[/{id}]`` as the service answers it."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from .catalogue import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, find_model, list_models

MODELS_RE = re.compile(r"/(?P<version>v\w+)/models(?:/(?P<model>[^/]+))?")
BAD_KEY_MESSAGE = "API key not valid. Please pass a valid API key."
NO_KEY_MESSAGE = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
_TOKEN_PREFIX = "sim-page:"

KeyState = Literal["ok", "missing", "bad"]


@dataclass(frozen=True)
class RestReply:
    """An HTTP status and its JSON body."""

    status: HTTPStatus
    body: dict[str, Any] = field(default_factory=dict)


def google_error(status: HTTPStatus, message: str, details: Sequence[Any] = ()) -> RestReply:
    """The service's error body: ``{"error": {"code", "message", "status"}}``."""
    names = {
        HTTPStatus.BAD_REQUEST: "INVALID_ARGUMENT",
        HTTPStatus.FORBIDDEN: "PERMISSION_DENIED",
        HTTPStatus.NOT_FOUND: "NOT_FOUND",
    }
    error: dict[str, Any] = {"code": status.value, "message": message, "status": names[status]}
    if details:
        error["details"] = list(details)
    return RestReply(status, {"error": error})


def _bad_key() -> RestReply:
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
    return google_error(HTTPStatus.BAD_REQUEST, BAD_KEY_MESSAGE, [info])


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    number = text.removeprefix(_TOKEN_PREFIX)
    if not text.startswith(_TOKEN_PREFIX) or not number.isdigit():
        return None
    return int(number)


def _page_size(raw: str | None) -> int | None:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        return None
    if size < 0:
        return None
    return DEFAULT_PAGE_SIZE if size == 0 else min(size, MAX_PAGE_SIZE)


def _list(version: str, query: dict[str, list[str]], live_ids: Sequence[str]) -> RestReply:
    sizes = query.get("pageSize") or query.get("page_size") or []
    size = _page_size(sizes[0] if sizes else None)
    if size is None:
        return google_error(HTTPStatus.BAD_REQUEST, "Invalid value at 'page_size' (TYPE_INT32).")
    token = (query.get("pageToken") or query.get("page_token") or [""])[0]
    start = _offset(token) if token else 0
    if start is None:
        return google_error(HTTPStatus.BAD_REQUEST, "Invalid page token.")
    models = list_models(version, live_ids)
    body: dict[str, Any] = {"models": [m.resource() for m in models[start : start + size]]}
    if start + size < len(models):
        body["nextPageToken"] = page_token(start + size)
    return RestReply(HTTPStatus.OK, body)


def _get(version: str, model: str, live_ids: Sequence[str]) -> RestReply:
    spec = find_model(model, version)
    if spec is None or (spec.is_live and spec.id not in live_ids):
        message = (
            f"models/{model} is not found for API version {version}, or is not supported for "
            "GET. Call ListModels to see the list of available models and their supported "
            "methods."
        )
        return google_error(HTTPStatus.NOT_FOUND, message)
    return RestReply(HTTPStatus.OK, spec.resource())


def handle_rest(
    target: str, key: KeyState, versions: Sequence[str], live_ids: Sequence[str]
) -> RestReply | None:
    """The reply to ``GET target`` (path and query), or None if it is no REST path here."""
    parts = urlsplit(target)
    match = MODELS_RE.fullmatch(parts.path)
    if match is None or match["version"] not in versions:
        return None
    if key == "missing":
        return google_error(HTTPStatus.FORBIDDEN, NO_KEY_MESSAGE)
    if key == "bad":
        return _bad_key()
    query = parse_qs(parts.query)
    if match["model"] is None:
        return _list(match["version"], query, live_ids)
    return _get(match["version"], match["model"], live_ids)
