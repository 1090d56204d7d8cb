"""``gemini-desk --self-test``: a headless smoke test of an installed app or bundle."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROMPT = "self-test: hello"


async def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def _text_turn(base_url: str, ca_file: Path, key: str, conversations: Path) -> str:
    """One typed turn through the real window class, SDK and local server; returns the answer."""
    from gemini_desk.core.events import SessionState
    from gemini_desk.core.settings import Settings
    from gemini_desk.live.config import Endpoint
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.ui.main_window import MainWindow

    def floor() -> tuple[float, float, bool]:
        return (-90.0, -90.0, False)

    window = MainWindow(floor, floor)
    conv = Conversation(window, Settings(), conversations, None, None)
    conv.endpoint = Endpoint(api_key=key, base_url=base_url, ca_file=ca_file, demo=True)
    conv.connect()
    await _until(lambda: conv.state is SessionState.CONNECTED, 30, "the connection")
    conv.send_text(PROMPT)

    def answers() -> list[str]:
        return [t.text for t in conv.transcript.finished_turns if t.role.value == "model"]

    await _until(lambda: bool(answers()), 30, "the answer")
    await conv.shutdown()
    window.close_now()
    return answers()[0]


def run_self_test() -> int:
    """Start headless, serve locally, run one text turn, check it; 0 on success."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from gemini_desk.app.endpoints import start_demo_server
    from gemini_desk.platform.assets import APP_ICON, resource_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    checks: list[str] = []
    try:
        if QIcon(str(resource_path(APP_ICON))).isNull():
            raise RuntimeError("the application icon does not load")
        checks.append("resources")
        sim, key = start_demo_server()  # a random key, as in demo mode
        try:
            with tempfile.TemporaryDirectory() as tmp:
                checks.append("local server")
                with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
                    answer = runner.run(_text_turn(sim.base_url, sim.ca_file, key, Path(tmp)))
                if PROMPT not in answer:
                    raise RuntimeError(f"unexpected answer: {answer!r}")
                if not list(Path(tmp).glob("*.jsonl")):
                    raise RuntimeError("the transcript was not saved")
                checks.append("text turn through google-genai")
        finally:
            sim.stop()
    except Exception as exc:
        print(f"self-test FAILED after {', '.join(checks) or 'start'}: {exc}", file=sys.stderr)
        return 1
    print(f"self-test passed: {', '.join(checks)}")
    return 0
