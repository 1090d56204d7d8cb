"""Process entry: arguments, the Qt application and its event loop, then the Desk."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Sequence

from gemini_desk.app.cli import parse_args
from gemini_desk.platform.assets import APP_ICON, resource_path
from gemini_desk.platform.crash_hook import install_crash_hook
from gemini_desk.platform.logs import setup_logging
from gemini_desk.platform.paths import AppPaths
from gemini_desk.platform.qt_noise import is_noise

log = logging.getLogger("gemini_desk.app")


def install_qt_message_handler() -> None:
    """Route Qt's own messages into our log (``gemini_desk.qt``) instead of stderr."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("gemini_desk.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        category = getattr(context, "category", "") or "qt"
        level = levels.get(kind, logging.WARNING)
        if level == logging.WARNING and is_noise(category, message):
            level = logging.DEBUG
        qt_log.log(level, "[%s] %s", category, message)

    qInstallMessageHandler(handler)


def install_quit_signals(request_quit: Callable[[], None]) -> None:
    """SIGINT/SIGTERM quit cleanly (same order as the Quit action)."""
    import socket

    from PySide6.QtCore import QSocketNotifier

    def on_signal(signum: int, frame: object) -> None:
        log.info("signal %d: quitting", signum)
        request_quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    # Python runs signal handlers only between bytecodes, and Qt waits in C++: the C
    # handler writes the signal's number to a socket Qt watches, and reading it runs
    # Python (and so the handler) at once. No timer wakes the app to look.
    wake_r, wake_w = socket.socketpair()
    for end in (wake_r, wake_w):
        end.setblocking(False)
    signal.set_wakeup_fd(wake_w.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(wake_r.fileno(), QSocketNotifier.Type.Read)

    def drain() -> None:
        with contextlib.suppress(OSError):
            wake_r.recv(64)

    notifier.activated.connect(drain)
    _KEEP.extend((wake_r, wake_w, notifier))


_KEEP: list[object] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``gemini-desk`` and ``python -m gemini_desk``."""
    args = parse_args(argv)
    if args.install_desktop:
        from gemini_desk.platform.desktop_install import main as install_desktop

        return install_desktop()
    if args.ptt:  # hand push-to-talk to the running instance, without starting a GUI
        from gemini_desk.desktop.talk_wiring import run_ptt_command

        return run_ptt_command(args.ptt, AppPaths.from_env())
    if args.self_test:
        from gemini_desk.app.selftest import run_self_test

        return run_self_test()
    paths = AppPaths.from_env()
    try:  # conversations, logs and settings are the user's alone (0700 folders)
        paths.make_private()
    except OSError as exc:
        print(f"gemini-desk: could not prepare its folders: {exc}", file=sys.stderr)
    log_file = setup_logging(paths.log_dir, args.log_level)
    install_crash_hook()  # uncaught exceptions (Qt slots, threads) go to the redacted log
    log.info("gemini-desk starting; log file %s", log_file)
    install_qt_message_handler()  # the first PySide6 import
    from gemini_desk.platform.pyside_imports import stop_source_caching

    stop_source_caching()  # before anything else is imported: 10-25 MB less (see there)
    # One app per user and config folder, decided before anything is built: a later
    # launch hands its options to the running app and exits.
    from gemini_desk.platform.instance_lock import Outcome, claim_instance, lock_path

    def forward_actions(args: argparse.Namespace, paths: AppPaths) -> int | None:
        # QtNetwork (the socket) is imported only when there is a running app to ask.
        from gemini_desk.platform.single_instance import forward_actions

        return forward_actions(args, paths)

    claim = claim_instance(lock_path(paths.config_dir), lambda _: forward_actions(args, paths))
    if claim.outcome is Outcome.HANDED_OVER:
        return claim.exit_code
    if claim.outcome is Outcome.BUSY:
        print(
            f"gemini-desk is already running ({claim.holder}) but does not answer;"
            " if it is stuck, end that process and start again.",
            file=sys.stderr,
        )
        return claim.exit_code
    if claim.outcome is Outcome.UNLOCKED and (code := forward_actions(args, paths)) is not None:
        return code
    try:
        return _run(args, paths)
    finally:
        claim.release()


def _run(args: argparse.Namespace, paths: AppPaths) -> int:
    """The Qt application, its loop and the Desk (this process is the instance)."""
    # Qt's widgets are imported only now so that --help and --version answer at once.
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(sys.argv[:1]))
    app.setApplicationName("gemini-desk")
    app.setApplicationDisplayName("Gemini Desk")
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(QIcon(str(resource_path(APP_ICON))))
    from gemini_desk.app.desk import Desk

    desk = Desk(args, paths)
    from gemini_desk.ui.i18n import install_translators

    install_translators(app, desk.settings.language)  # before any window is built
    install_quit_signals(desk.request_quit)
    # asyncio.Runner rather than qasync.run: no process-wide loop policy, so threads that
    # make their own loop (the demo server) get an ordinary one.
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        try:
            return runner.run(desk.run())
        except KeyboardInterrupt:
            return 130


__all__ = ["main"]
