"""File > API key checks a key as the welcome does (models.list through the SDK), and
hands it on only once the service accepted it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication

from gemini_desk.live.key_check import KeyCheck
from gemini_desk.ui.notices import Condition, Severity

if TYPE_CHECKING:
    from gemini_desk.ui.api_key_dialog import ApiKeyDialog
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["KeyChecker", "check_keys_in"]

log = logging.getLogger("gemini_desk.app")

KeyChecker = Callable[[str], Awaitable[KeyCheck]]


def check_keys_in(dialog: ApiKeyDialog, check: KeyChecker, window: MainWindow) -> None:
    """Make ``dialog`` check each key it is given with ``check`` before it is used; a
    key that works is said in the window until the app is connected."""
    dialog.checks_key = True
    tasks: list[asyncio.Task[None]] = []

    async def run(key: str) -> None:
        result = await check(key)
        if not shiboken6.isValid(dialog) or not dialog.isVisible():
            return  # closed meanwhile: nothing is used
        if result.ok:
            said = QCoreApplication.translate("DialogsWiring", "Your key works (%1 Live models).")
            window.notices.show_notice(
                "key_works",
                said.replace("%1", str(result.live_models)),
                Severity.INFO,
                clears_on=frozenset({Condition.CONNECTED}),
            )
        dialog.key_checked(result.problem)

    def submitted(key: str) -> None:
        log.info("checking the key entered in the key dialog")
        tasks.append(asyncio.get_running_loop().create_task(run(key)))

    def finished(_result: int) -> None:
        for task in tasks:
            task.cancel()

    dialog.keySubmitted.connect(submitted)
    dialog.finished.connect(finished)
