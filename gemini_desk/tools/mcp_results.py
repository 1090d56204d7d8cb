"""What an MCP tool call came to, as a :class:`ToolResult` the model can read.

Every result says what happened (Gemini 3.8 retries an empty or unexplained result with
other arguments): the tool's text (capped), its structured output as data, a sentence
for images and resources (never inlined), ``no_results`` when it returned nothing,
``error`` with the cause when it failed. Also the plain words for an exception, used by
results and by server statuses alike.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Sequence
from typing import Any

import anyio
import httpx2
import mcp_types as types
from mcp.shared.exceptions import MCPError

from gemini_desk.core.tools import ToolResult

MAX_TEXT_CHARS = 8000


def to_tool_result(result: types.CallToolResult, max_chars: int = MAX_TEXT_CHARS) -> ToolResult:
    """``result`` as a ToolResult: ``error`` when the tool says it failed, ``no_results``
    when it returned nothing, else ``ok`` with its text as the message and its
    structured content as data."""
    text, others = _split_content(result.content)
    text = _capped(text, max_chars)
    structured = result.structured_content
    if result.is_error:
        cause = text or " ".join(others) or "it did not say why"
        return ToolResult("error", f"The tool reported an error: {cause}", retryable=False)
    if not text and not others and structured is None:
        return ToolResult(
            "no_results", "The tool ran and returned nothing (no text, no data).", retryable=False
        )
    parts = [text] if text else []
    if others:
        parts.append("The tool also returned " + "; ".join(others) + " (not shown here).")
    if not text and structured is not None:
        parts.insert(0, "The tool returned structured data (see result).")
    return ToolResult("ok", "\n".join(parts), retryable=False, data=structured)


def failure_result(exc: BaseException, server: str, timeout_s: float) -> ToolResult:
    """A call that raised instead of answering: a timeout, the server's refusal, or a
    lost connection."""
    leaf = first_cause(exc)
    if isinstance(leaf, MCPError) and leaf.code == types.REQUEST_TIMEOUT:
        return ToolResult(
            "timeout", f"The tool did not answer within {timeout_s:g} s.", retryable=False
        )
    if is_connection_lost(leaf):
        return ToolResult(
            "error",
            f"The MCP server {server!r} stopped answering during the call "
            f"({describe_error(leaf)}).",
            retryable=False,
        )
    if isinstance(leaf, MCPError) and leaf.code == types.INVALID_PARAMS:
        return ToolResult(
            "invalid_argument",
            f"The MCP server {server!r} refused the arguments: {describe_error(leaf)}",
            retryable=False,
        )
    return ToolResult(
        "error", f"The MCP server {server!r} answered with an error: {describe_error(leaf)}"
    )


def describe_error(exc: BaseException) -> str:
    """``exc`` in plain words, from the exception itself (the OS's or the server's)."""
    leaf = first_cause(exc)
    if isinstance(leaf, OSError) and leaf.strerror:
        where = leaf.filename if leaf.filename is not None else ""
        return f"{leaf.strerror}: {where}" if where else leaf.strerror
    if isinstance(leaf, MCPError):
        return leaf.error.message or f"error {leaf.code}"
    text = str(leaf).strip()
    if text:
        return text
    if isinstance(leaf, httpx2.TransportError):
        return f"The connection to the server broke ({type(leaf).__name__})."
    return type(leaf).__name__


def first_cause(exc: BaseException) -> BaseException:
    """The first real exception inside an exception group (task groups wrap them)."""
    while isinstance(exc, BaseExceptionGroup):
        inner = [e for e in exc.exceptions if not _is_cancellation(e)]
        exc = (inner or list(exc.exceptions))[0]
    return exc


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` means the server is gone (not merely that it refused a request)."""
    leaf = first_cause(exc)
    if isinstance(leaf, MCPError):
        return leaf.code == types.CONNECTION_CLOSED
    return isinstance(leaf, _CONNECTION_ERRORS)


_CONNECTION_ERRORS = (
    httpx2.TransportError,
    anyio.BrokenResourceError,
    anyio.ClosedResourceError,
    anyio.EndOfStream,
    ConnectionError,
    EOFError,
)


def _is_cancellation(exc: BaseException) -> bool:
    return isinstance(exc, asyncio.CancelledError)


def _split_content(content: Sequence[Any]) -> tuple[str, list[str]]:
    """The text blocks joined, and a short description of every other block."""
    texts: list[str] = []
    others: list[str] = []
    for block in content:
        if isinstance(block, types.TextContent):
            if block.text.strip():
                texts.append(block.text)
        else:
            others.append(_describe_block(block))
    return "\n".join(texts).strip(), others


def _describe_block(block: Any) -> str:
    if isinstance(block, types.ImageContent):
        return f"an image ({block.mime_type}, {_size(_decoded_length(block.data))})"
    if isinstance(block, types.AudioContent):
        return f"an audio clip ({block.mime_type}, {_size(_decoded_length(block.data))})"
    if isinstance(block, types.ResourceLink):
        return f"a link to the resource {block.uri} ({block.name})"
    if isinstance(block, types.EmbeddedResource):
        resource = block.resource
        mime = resource.mime_type or "unknown type"
        if isinstance(resource, types.TextResourceContents):
            size = f"{len(resource.text)} characters"
        else:
            size = _size(_decoded_length(resource.blob))
        return f"the resource {resource.uri} ({mime}, {size})"
    return f"a {getattr(block, 'type', 'content')} block"


def _capped(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return (
        f"{text[:max_chars]}\n[Cut: the tool returned {len(text)} characters; "
        f"these are the first {max_chars}.]"
    )


def _decoded_length(data: str) -> int:
    try:
        return len(base64.b64decode(data, validate=False))
    except (binascii.Error, ValueError):
        return len(data)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"
