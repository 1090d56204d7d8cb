"""Single instance: a second launch hands its command-line actions to the running app.

The running app listens on the command socket of :mod:`gemini_desk.platform.ipc`; a second
``gemini-desk [--connect] [--share-region X,Y,W,H]`` asks it to come forward and to do
what those options ask, then exits at once.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from gemini_desk.core.events import SessionState
from gemini_desk.platform.ipc import CommandServer, Request, send_command, socket_name
from gemini_desk.platform.paths import AppPaths
from gemini_desk.vision.geometry import Rect, parse_region

__all__ = ["forward_actions", "forwarded_actions", "register_commands"]

log = logging.getLogger("gemini_desk.ipc")


def forwarded_actions(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The (action, arg) requests a second launch with ``args`` sends, in order."""
    actions = [("show", "")]
    if getattr(args, "connect", False):
        actions.append(("connect", ""))
    region = getattr(args, "share_region", None)
    if region is not None:
        actions.append(("share-region", region.as_text()))
    return actions


def forward_actions(args: argparse.Namespace, paths: AppPaths) -> bool:
    """True if an instance runs for ``paths``: it was handed ``args``' actions.

    Each answer is printed (errors to stderr), so a script sees what happened.
    """
    name = socket_name(paths.config_dir)
    for i, (action, arg) in enumerate(forwarded_actions(args)):
        result = send_command(name, action, arg)
        if not result.reached:
            if i == 0:
                return False  # nobody runs: this launch becomes the instance
            print(f"gemini-desk: {action}: no answer", file=sys.stderr)
            continue
        if action != "show" or not result.ok:
            print(f"gemini-desk: {result.message}", file=sys.stdout if result.ok else sys.stderr)
    log.info(
        "gemini-desk is already running: brought it forward and handed it %s",
        forwarded_actions(args),
    )
    return True


def register_commands(
    server: CommandServer,
    state: Callable[[], SessionState],
    connect: Callable[[], None],
    share_region: Callable[[Rect], None],
    show: Callable[[], None] | None = None,
) -> None:
    """Handle ``connect`` and ``share-region`` (and ``show``, if given) from later launches."""

    def on_show(request: Request) -> str:
        assert show is not None
        show()
        return "shown"

    def on_connect(request: Request) -> str:
        if state() is not SessionState.DISCONNECTED:
            return "already connected"
        connect()
        return "connecting"

    def on_share_region(request: Request) -> str:
        region = parse_region(request.arg)  # ValueError: the caller hears why
        share_region(region)
        return f"sharing {region.as_text()}"

    if show is not None:
        server.register("show", on_show)
    server.register("connect", on_connect)
    server.register("share-region", on_share_region)
