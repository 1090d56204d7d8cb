"""Audio diagnostics as the app wires it: the device tests are offered only while not
connected, and a microphone that cannot be opened says so in the verdict."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from gemini_desk.core.desk_state import SessionStatus
from gemini_desk.core.events import SessionState
from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.core.observable import Observable
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.diagnostics_wiring import build_diagnostics
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


class Conv:
    """What the diagnostics read of the conversation: its status and its streams (none
    open: not connected)."""

    def __init__(self) -> None:
        self.status: Observable[SessionStatus] = Observable(SessionStatus())
        self.mic: object | None = None
        self.speaker: object | None = None


def test_tests_only_while_not_connected_and_a_missing_mic_says_so(qapp) -> None:  # noqa: F811
    conv = Conv()
    settings = SettingsModel(
        dataclasses.replace(Settings(), input_device="No Such Headset 3000"),
        save=lambda _s: None,
    )

    async def main() -> None:
        dialog = build_diagnostics(None, conv, settings, LoopLag())  # type: ignore[arg-type]
        dialog.show()
        panel = dialog.tests
        assert panel.mic_button.isEnabled() and panel.speaker_button.isEnabled()
        for state in (SessionState.CONNECTING, SessionState.CONNECTED, SessionState.RECONNECTING):
            conv.status.set(SessionStatus(state))
            assert not panel.mic_button.isEnabled() and not panel.speaker_button.isEnabled()
            assert "Gemini would hear it" in panel.status.text()
        conv.status.set(SessionStatus(SessionState.DISCONNECTED))
        assert panel.mic_button.isEnabled()

        panel.mic_button.click()
        deadline = time.monotonic() + 10
        while dialog.verdict.marks["mic"].text() != "✗":
            assert time.monotonic() < deadline, dialog.verdict.texts["mic"].text()
            await asyncio.sleep(0.01)
        said = dialog.verdict.texts["mic"].text()
        assert said and "not open" not in said  # the device's own reason
        assert panel.mic_button.isEnabled() and not panel.running
        dialog.close()
        dialog.deleteLater()

    asyncio.run(main())
    assert conv.status._observers, "subscribed while the dialog exists"
    process_events()
    assert not conv.status._observers, "the dialog gone, the status no longer reaches it"


class OpenStream:
    """A stream as the diagnostics read it: its figures, with PortAudio's device name."""

    def __init__(self, device: str) -> None:
        self.device = device

    def stats(self) -> dict[str, object]:
        return {"device": self.device, "rate": 48000}


def test_a_device_chosen_by_its_server_name_shows_by_that_name(qapp) -> None:  # noqa: F811
    # PortAudio reaches a sound server's device through ALSA's "pulse": the dialog says
    # which device that is, by the name Settings showed when it was chosen.
    conv = Conv()
    conv.mic, conv.speaker = OpenStream("pulse"), OpenStream("pulse")
    settings = SettingsModel(
        dataclasses.replace(
            Settings(),
            input_device="pulse:alsa_input.usb-headset",
            device_names={"pulse:alsa_input.usb-headset": "USB Headset Microphone"},
        ),
        save=lambda _s: None,
    )

    async def main() -> None:
        dialog = build_diagnostics(None, conv, settings, LoopLag())  # type: ignore[arg-type]
        dialog.refresh()
        assert dialog.mic_labels["device"].text() == "USB Headset Microphone"
        assert dialog.speaker_labels["device"].text() == "pulse"  # the default: as it is
        dialog.close()
        dialog.deleteLater()

    asyncio.run(main())
