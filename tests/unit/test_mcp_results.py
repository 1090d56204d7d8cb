"""MCP call results and failures as ToolResults the model can read: always a status, a
message, and whether trying again could help."""

from __future__ import annotations

import base64
import errno

import httpx2
import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError

from gemini_desk.tools.mcp_results import (
    describe_error,
    failure_result,
    is_connection_lost,
    to_tool_result,
)

PNG = base64.b64encode(b"\x89PNG" + b"\0" * 2044).decode()


def result(
    *content: types.ContentBlock, structured: object = None, error: bool = False
) -> types.CallToolResult:
    return types.CallToolResult(
        content=list(content), structured_content=structured, is_error=error
    )


def text(value: str) -> types.TextContent:
    return types.TextContent(type="text", text=value)


def test_text_is_the_message_and_structured_content_the_data() -> None:
    r = to_tool_result(result(text("5"), structured={"result": 5}))
    assert (r.status, r.message, r.retryable, r.data) == ("ok", "5", False, {"result": 5})
    assert r.response() == {
        "status": "ok",
        "retryable": False,
        "message": "5",
        "result": {"result": 5},
    }


def test_text_blocks_are_joined() -> None:
    r = to_tool_result(result(text("first"), text("  "), text("second")))
    assert r.message == "first\nsecond"
    assert r.data is None


def test_structured_content_alone_says_so() -> None:
    r = to_tool_result(result(structured={"rows": []}))
    assert r.status == "ok"
    assert r.data == {"rows": []}
    assert "structured data" in r.message


@pytest.mark.parametrize("content", [[], [text("")], [text(" \n ")]])
def test_nothing_returned_is_no_results_and_says_so(content: list[types.TextContent]) -> None:
    r = to_tool_result(result(*content))
    assert (r.status, r.retryable) == ("no_results", False)
    assert "returned nothing" in r.message


def test_an_error_result_is_an_error_with_the_tools_words() -> None:
    r = to_tool_result(result(text("Invalid timezone: Mars/Base"), error=True))
    assert (r.status, r.retryable) == ("error", False)
    assert r.message == "The tool reported an error: Invalid timezone: Mars/Base"
    silent = to_tool_result(result(error=True))
    assert silent.status == "error"
    assert "did not say why" in silent.message


def test_long_text_is_cut_and_says_so() -> None:
    r = to_tool_result(result(text("x" * 9000)), max_chars=8000)
    assert r.message.startswith("x" * 8000 + "\n")
    assert "x" * 8001 not in r.message
    assert "9000 characters" in r.message
    assert "first 8000" in r.message


def test_images_audio_and_resources_are_described_not_inlined() -> None:
    r = to_tool_result(
        result(
            text("Here is the chart."),
            types.ImageContent(type="image", data=PNG, mime_type="image/png"),
            types.AudioContent(type="audio", data=PNG, mime_type="audio/wav"),
            types.EmbeddedResource(
                type="resource",
                resource=types.TextResourceContents(
                    uri="file:///notes.txt", mime_type="text/plain", text="secret notes"
                ),
            ),
            types.ResourceLink(type="resource_link", uri="file:///big.csv", name="big.csv"),
        )
    )
    assert r.status == "ok"
    assert r.message.startswith("Here is the chart.\nThe tool also returned an image")
    assert "an image (image/png, 2 KB)" in r.message
    assert "an audio clip (audio/wav, 2 KB)" in r.message
    assert "the resource file:///notes.txt (text/plain, 12 characters)" in r.message
    assert "a link to the resource file:///big.csv (big.csv)" in r.message
    assert PNG[:40] not in r.message
    assert "secret notes" not in r.message
    image_only = to_tool_result(
        result(types.ImageContent(type="image", data=PNG, mime_type="image/png"))
    )
    assert image_only.status == "ok"
    assert image_only.message.startswith("The tool also returned an image")


def test_a_timeout_is_a_timeout() -> None:
    r = failure_result(MCPError(code=types.REQUEST_TIMEOUT, message="timed out"), "web", 30)
    assert (r.status, r.retryable) == ("timeout", False)
    assert r.message == "The tool did not answer within 30 s."


def test_a_lost_connection_is_an_error_naming_the_server() -> None:
    closed = MCPError(code=types.CONNECTION_CLOSED, message="Connection closed")
    grouped = ExceptionGroup("task group", [closed])
    for exc in (closed, grouped):
        r = failure_result(exc, "web", 30)
        assert r.status == "error"
        assert (
            r.message
            == "The MCP server 'web' stopped answering during the call (Connection closed)."
        )


def test_refused_arguments_and_other_errors() -> None:
    bad = failure_result(MCPError(code=types.INVALID_PARAMS, message="Unknown tool: x"), "t", 30)
    assert (bad.status, bad.message) == (
        "invalid_argument",
        "The MCP server 't' refused the arguments: Unknown tool: x",
    )
    other = failure_result(RuntimeError("boom"), "t", 30)
    assert (other.status, other.message) == (
        "error",
        "The MCP server 't' answered with an error: boom",
    )


def test_errors_in_plain_words() -> None:
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory", "no-such-cmd")
    assert describe_error(missing) == "No such file or directory: no-such-cmd"
    assert describe_error(ExceptionGroup("g", [missing])) == describe_error(missing)
    assert describe_error(PermissionError(errno.EACCES, "Permission denied")) == "Permission denied"
    assert describe_error(httpx2.ConnectError("All connection attempts failed")) == (
        "All connection attempts failed"
    )
    assert describe_error(httpx2.ReadError("")) == (
        "The connection to the server broke (ReadError)."
    )
    assert describe_error(TimeoutError()) == "TimeoutError"


def test_what_counts_as_a_lost_connection() -> None:
    assert is_connection_lost(MCPError(code=types.CONNECTION_CLOSED, message="closed"))
    assert is_connection_lost(ExceptionGroup("g", [httpx2.ConnectError("refused")]))
    assert is_connection_lost(BrokenPipeError())
    assert not is_connection_lost(MCPError(code=types.INVALID_PARAMS, message="bad"))
    assert not is_connection_lost(ValueError("bad"))
