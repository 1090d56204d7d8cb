"""Single instance: a second launch hands its command-line actions to the running app.

Which launch is the app is decided by the lock of :mod:`.instance_lock`, taken before
anything is built. The running app listens on the command socket of
:mod:`gemini_desk.platform.ipc`; a second
``gemini-desk [--connect] [--share-region X,Y,W,H]`` asks it to come forward and to do
what those options ask, then exits at once (1 if one of them failed). The answers say
what really happened: "sharing" only when sharing started.
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


def forward_actions(args: argparse.Namespace, paths: AppPaths) -> int | None:
    """Hand ``args``' actions to the app running for ``paths``: this launch's exit code
    (0, or 1 if an action failed), or None when no app answered.

    Each answer is printed (errors to stderr), so a script sees what happened.
    """
    name = socket_name(paths.config_dir)
    code = 0
    for i, (action, arg) in enumerate(forwarded_actions(args)):
        result = send_command(name, action, arg)
        if not result.reached:
            if i == 0:
                return None  # nobody answers: this launch may become the instance
            print(f"gemini-desk: {action}: no answer", file=sys.stderr)
            code = 1
            continue
        if not result.ok:
            code = 1
        if action != "show" or not result.ok:
            print(f"gemini-desk: {result.message}", file=sys.stdout if result.ok else sys.stderr)
    log.info(
        "gemini-desk is already running: brought it forward and handed it %s",
        forwarded_actions(args),
    )
    return code


def register_commands(
    server: CommandServer,
    state: Callable[[], SessionState],
    connect: Callable[[], None],
    share_region: Callable[[Rect], None],
    show: Callable[[], None] | None = None,
    shared: Callable[[], object | None] = lambda: None,
) -> None:
    """Handle ``connect`` and ``share-region`` (and ``show``, if given) from later launches.

    ``shared()`` is what is shared now (None: nothing): the share-region answer says
    "sharing" only when sharing really started; else the caller hears it did not.
    """

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
        share_region(region)  # problems are shown in the window, not raised
        if shared() is None:
            raise ValueError(
                f"Sharing {region.as_text()} did not start; the Gemini Desk window says why."
            )
        if state() is SessionState.DISCONNECTED:
            return f"sharing {region.as_text()} once connected (nothing is sent before)"
        return f"sharing {region.as_text()}"

    if show is not None:
        server.register("show", on_show)
    server.register("connect", on_connect)
    server.register("share-region", on_share_region)
