"""The built-in desktop tools: what each offers the model, and how it runs.

Each tool is a :class:`BuiltinTool`: its :class:`ToolSpec` and a ``run`` taking the
call's arguments and returning a :class:`ToolResult` that always says what happened; it
raises nothing. A plain ``run`` runs in a worker thread; an ``async`` one runs on the
app loop (the clipboard, the browser and the screen are Qt's, on the GUI thread) and
reaches the desktop only through :class:`DesktopPort`, which ``desktop/`` implements.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from gemini_desk.core.tools import ToolResult, ToolSpec
from gemini_desk.tools.builtin_time import current_time, now_here
from gemini_desk.tools.calls import shorten
from gemini_desk.tools.policy import BUILTIN_DEFAULT_POLICIES

log = logging.getLogger("gemini_desk.tools")

MAX_URL_CHARS = 2048
MAX_CLIPBOARD_CHARS = 20_000  # read back to the model
MAX_WRITE_CHARS = 100_000
MAX_NOTE_CHARS = 4_000

Args = Mapping[str, Any]
SyncRun = Callable[[Args], ToolResult]
AsyncRun = Callable[[Args], Awaitable[ToolResult]]


class DesktopPort(Protocol):
    """The desktop as the tools reach it; called on the app loop (the GUI thread)."""

    def open_url(self, url: str) -> None:
        """Open ``url`` in the default browser (raise if that fails)."""

    def read_clipboard(self) -> str:
        """The clipboard's text ("" when it holds none)."""

    def write_clipboard(self, text: str) -> None:
        """Put ``text`` on the clipboard."""

    def look_now(self) -> bool | Awaitable[bool]:
        """Send one fresh frame of what is shared now; False when nothing is shared
        (an async implementation is awaited)."""


@dataclass(frozen=True, slots=True)
class BuiltinTool:
    """One built-in tool: what the model is told, and how it runs."""

    spec: ToolSpec
    run: SyncRun | AsyncRun

    @property
    def on_loop(self) -> bool:
        """True: ``run`` is async and runs on the app loop; else in a worker thread."""
        return inspect.iscoroutinefunction(self.run)


def _spec(
    name: str, description: str, parameters: Mapping[str, Any] | None, timeout_s: float
) -> ToolSpec:
    return ToolSpec(
        name=name,
        description=description,
        parameters=parameters,
        default_policy=BUILTIN_DEFAULT_POLICIES[name],
        timeout_s=timeout_s,
    )


def _text_parameter(name: str, description: str) -> dict[str, Any]:
    return {
        "type": "OBJECT",
        "properties": {name: {"type": "STRING", "description": description}},
        "required": [name],
    }


def text_argument(args: Args, key: str, limit: int) -> str | ToolResult:
    """The non-empty string ``args[key]`` (at most ``limit`` characters), else an
    ``invalid_argument`` result saying what was wrong."""
    value = args.get(key)
    if not isinstance(value, str) or not value.strip():
        got = "nothing" if value is None else f"{type(value).__name__} {shorten(repr(value), 60)}"
        return ToolResult(
            "invalid_argument", f"'{key}' must be a non-empty string; got {got}.", retryable=True
        )
    if len(value) > limit:
        return ToolResult(
            "invalid_argument",
            f"'{key}' is {len(value)} characters long; at most {limit} are accepted.",
            retryable=True,
        )
    return value


def checked_url(value: object) -> str | ToolResult:
    """``value`` if it is an http or https URL with a host, else ``invalid_argument``."""
    if not isinstance(value, str) or not value.strip():
        return ToolResult("invalid_argument", "'url' must be a non-empty string.", retryable=True)
    url = value.strip()
    shown = shorten(url, 120)
    if len(url) > MAX_URL_CHARS or any(c.isspace() or not c.isprintable() for c in url):
        return ToolResult(
            "invalid_argument",
            f"'{shown}' is not a usable web address (too long, or with spaces or control "
            "characters).",
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is not None and not parts.scheme and "." in url.split("/", 1)[0]:
        return ToolResult(
            "invalid_argument",
            f"'{shown}' has no scheme; give the full address, e.g. 'https://{shown}'.",
            retryable=True,
        )
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        return ToolResult(
            "invalid_argument",
            f"Only web addresses starting with http:// or https:// can be opened; '{shown}' "
            "is not one, so nothing was opened.",
        )
    return url


def _failed(what: str, exc: Exception) -> ToolResult:
    log.warning("%s failed: %r", what, exc)
    return ToolResult("error", f"{what} failed: {exc or type(exc).__name__}.")


def builtin_tools(
    desktop: DesktopPort,
    notes_file: Path,
    *,
    clock: Callable[[], datetime] | None = None,
) -> list[BuiltinTool]:
    """The built-in tools, in the order they are declared. ``notes_file`` is where
    ``remember_note`` appends; ``clock`` gives the current aware time (tests)."""

    now = clock or now_here

    def get_current_time(args: Args) -> ToolResult:
        return current_time(now())

    async def open_url(args: Args) -> ToolResult:
        url = checked_url(args.get("url"))
        if isinstance(url, ToolResult):
            return url
        try:
            desktop.open_url(url)
        except Exception as exc:
            return _failed(f"Opening {shorten(url, 120)}", exc)
        return ToolResult("ok", f"Opened {shorten(url, 200)} in the user's web browser.")

    async def read_clipboard(args: Args) -> ToolResult:
        try:
            text = desktop.read_clipboard()
        except Exception as exc:
            return _failed("Reading the clipboard", exc)
        if not text:
            return ToolResult("no_results", "The clipboard holds no text (it is empty).")
        if len(text) > MAX_CLIPBOARD_CHARS:
            message = (
                f"The clipboard holds {len(text)} characters of text; the first "
                f"{MAX_CLIPBOARD_CHARS} are in 'result.text'."
            )
            return ToolResult("ok", message, data={"text": text[:MAX_CLIPBOARD_CHARS]})
        message = f"The clipboard holds {len(text)} characters of text, in 'result.text'."
        return ToolResult("ok", message, data={"text": text})

    async def write_clipboard(args: Args) -> ToolResult:
        text = text_argument(args, "text", MAX_WRITE_CHARS)
        if isinstance(text, ToolResult):
            return text
        try:
            desktop.write_clipboard(text)
        except Exception as exc:
            return _failed("Writing to the clipboard", exc)
        return ToolResult("ok", f"Copied {len(text)} characters to the user's clipboard.")

    async def look_at_screen(args: Args) -> ToolResult:
        try:
            looked = desktop.look_now()
            sent = await looked if inspect.isawaitable(looked) else looked
        except Exception as exc:
            return _failed("Looking at the screen", exc)
        if not sent:
            return ToolResult(
                "unavailable",
                "Nothing is shared right now, so there is nothing to look at. If you need "
                "to see the screen, ask the user to turn on screen sharing.",
            )
        return ToolResult(
            "ok",
            "One fresh frame of what the user shares was just sent to you as video input; "
            "look at it to answer.",
        )

    def remember_note(args: Args) -> ToolResult:
        text = text_argument(args, "text", MAX_NOTE_CHARS)
        if isinstance(text, ToolResult):
            return text
        line = f"{now():%Y-%m-%d %H:%M}  {' '.join(text.split())}\n"
        try:
            notes_file.parent.mkdir(parents=True, exist_ok=True)
            with open(notes_file, "a", encoding="utf-8") as fh:
                fh.write(line)
        except OSError as exc:
            return _failed(f"Saving the note to {notes_file}", exc)
        return ToolResult(
            "ok",
            f"The note was saved: added as a line to the user's notes file {notes_file}.",
            data={"file": str(notes_file)},
        )

    return [
        BuiltinTool(
            _spec(
                "get_current_time",
                "Get the current local date, time, weekday and time zone of the user's "
                "computer. Use it whenever an answer depends on today's date or the time.",
                None,
                timeout_s=5.0,
            ),
            get_current_time,
        ),
        BuiltinTool(
            _spec(
                "open_url",
                "Open a web page in the user's default browser. Only http:// and https:// "
                "addresses are opened. The user may be asked to approve first.",
                _text_parameter("url", "The full address, starting with http:// or https://."),
                timeout_s=15.0,
            ),
            open_url,
        ),
        BuiltinTool(
            _spec(
                "read_clipboard",
                "Read the text the user has copied to the clipboard. Use it when the user "
                "refers to something they copied. The user may be asked to approve first.",
                None,
                timeout_s=10.0,
            ),
            read_clipboard,
        ),
        BuiltinTool(
            _spec(
                "write_clipboard",
                "Put text on the user's clipboard so they can paste it elsewhere (replacing "
                "what is there). The user may be asked to approve first.",
                _text_parameter("text", "The exact text to copy, as the user should paste it."),
                timeout_s=10.0,
            ),
            write_clipboard,
        ),
        BuiltinTool(
            _spec(
                "look_at_screen",
                "Take one fresh look at what the user shares (a screen region, window or "
                "camera): a new frame is sent to you as video input. Works only while the "
                "user shares something. The user may be asked to approve first.",
                None,
                timeout_s=10.0,
            ),
            look_at_screen,
        ),
        BuiltinTool(
            _spec(
                "remember_note",
                "Save a short note for the user: a line, with the date and time, added to "
                "a notes file they can open later. Use it when the user asks you to remember "
                "or note something.",
                _text_parameter("text", "The note, in one or a few sentences."),
                timeout_s=10.0,
            ),
            remember_note,
        ),
    ]
