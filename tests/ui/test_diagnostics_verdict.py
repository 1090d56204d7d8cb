"""Audio diagnostics: the verdict from literal figures, the device tests' states, and
keyboard access (Tab reaches every button, mnemonics press them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.diagnosis import judge_speaker_test
from gemini_desk.session.audio_check import Phase
from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

MIC = {"device": "USB Mic", "rate": 48000}
SPEAKER = {"device": "Speakers", "rate": 48000, "underruns": 0, "running": True}


class Sources:
    """Literal figures the dialog reads; a test changes them between reads."""

    def __init__(self) -> None:
        self.mic: dict[str, Any] | None = None
        self.speaker: dict[str, Any] | None = None
        self.echo: dict[str, Any] | None = None
        self.level = (-90.0, -90.0, False)

    def dialog(self) -> DiagnosticsDialog:
        return DiagnosticsDialog(
            lambda: self.mic,
            lambda: self.speaker,
            echo=lambda: self.echo,
            mic_level=lambda: self.level,
        )


def verdict(dialog: DiagnosticsDialog) -> dict[str, tuple[str, str]]:
    v = dialog.verdict
    return {p: (v.marks[p].text(), v.texts[p].text()) for p in ("mic", "speaker", "echo")}


def test_disconnected_verdict_says_what_is_not_open(qapp) -> None:  # noqa: F811
    d = Sources().dialog()
    assert verdict(d) == {
        "mic": ("•", "The microphone is not open. Connect, or test it below."),
        "speaker": ("•", "The speaker is not open. Connect, or test it below."),
        "echo": ("•", "Echo cancellation runs while you are connected."),
    }
    assert d.verdict.marks["mic"].accessibleName() == "Note"
    d.deleteLater()


def _readings(d: DiagnosticsDialog, src: Sources, n: int, level: tuple[float, float, bool]) -> None:
    src.level = level
    for _ in range(n):
        d.read_level()


def test_connected_verdict_from_live_figures(qapp) -> None:  # noqa: F811
    src = Sources()
    src.mic, src.speaker = dict(MIC), dict(SPEAKER)
    src.echo = {"echo_cancellation": True, "echo_reduction_db": None, "echo_far_frames": 0}
    d = src.dialog()
    _readings(d, src, 10, (-62.0, -55.0, False))  # one second: too soon to judge
    d.refresh()
    assert verdict(d)["mic"] == ("•", "Listening to the microphone…")
    assert verdict(d)["echo"] == ("•", "Echo cancellation is measured while Gemini speaks.")
    assert verdict(d)["speaker"] == ("✓", "The speaker plays without gaps.")
    _readings(d, src, 30, (-62.0, -55.0, False))
    src.echo = {"echo_cancellation": True, "echo_reduction_db": 38.4, "echo_far_frames": 900}
    d.refresh()
    assert verdict(d)["mic"] == ("✓", "Your microphone works (background noise -62 dBFS).")
    assert verdict(d)["echo"] == ("✓", "Echo cancellation is removing 38 dB.")
    src.echo["echo_reduction_db"] = 12.2
    src.speaker = {**SPEAKER, "underruns": 4}
    d.refresh()
    assert verdict(d)["echo"][0] == "!" and "only 12 dB" in verdict(d)["echo"][1]
    assert verdict(d)["speaker"] == (
        "!",
        "Gemini's voice had 4 gaps: the speaker ran out of audio. A slow network or a busy"
        " computer does this.",
    )
    src.speaker = {**SPEAKER, "running": False}
    d.refresh()
    assert verdict(d)["speaker"][0] == "✗" and "stopped working" in verdict(d)["speaker"][1]
    d.deleteLater()


def test_a_silent_live_microphone_and_headphones(qapp) -> None:  # noqa: F811
    src = Sources()
    src.mic = dict(MIC)
    d = src.dialog()  # echo None with a microphone open: no processing (headphones)
    _readings(d, src, 40, (-90.0, -90.0, False))
    d.refresh()
    assert verdict(d)["mic"][0] == "✗" and verdict(d)["mic"][1].startswith(
        "The microphone hears nothing."
    )
    assert verdict(d)["echo"] == ("•", "Echo cancellation is off: you said you use headphones.")
    assert "The microphone hears nothing." in d.as_text()  # the verdict is copied too
    src.mic = None  # disconnected: what was read goes
    d.read_level()
    src.mic = dict(MIC)
    _readings(d, src, 40, (-20.0, -1.0, True))  # every reading clipped
    d.refresh()
    assert verdict(d)["mic"][1].startswith("The microphone is too loud and distorts.")
    d.deleteLater()


def test_device_test_states(qapp) -> None:  # noqa: F811
    d = Sources().dialog()
    d.show()
    tests = d.tests
    assert tests.mic_button.isEnabled() and tests.speaker_button.isEnabled()
    assert "Nothing is recorded until you press a button." in tests.status.text()
    assert not tests.meter.isVisible() and not tests.yes_button.isVisible()

    tests.set_phase(Phase.RECORDING, 3)
    assert tests.status.text() == "Speak now… 3"
    assert tests.meter.isVisible() and tests.meter.polling
    assert not tests.mic_button.isEnabled() and not tests.speaker_button.isEnabled()
    tests.set_phase(Phase.RECORDING, 1)
    assert tests.status.text() == "Speak now… 1"
    tests.set_phase(Phase.PLAYING_BACK)
    assert tests.status.text() == "Playing back what the microphone heard…"
    assert not tests.meter.isVisible() and not tests.meter.polling
    tests.set_phase(Phase.IDLE)
    assert tests.mic_button.isEnabled()

    tests.set_phase(Phase.PLAYING_CHIME)
    assert tests.status.text() == "Playing a chime…"
    tests.set_phase(Phase.IDLE)
    tests.ask_heard()
    assert tests.status.text() == "Did you hear the chime?"
    assert tests.yes_button.isVisible() and tests.no_button.isVisible()
    assert not tests.mic_button.isEnabled()  # answer first
    answered = QSignalSpy(tests.chimeAnswered)
    tests.no_button.click()
    assert answered.count() == 1 and answered.at(0) == [False]
    assert not tests.yes_button.isVisible() and tests.speaker_button.isEnabled()
    d.set_test_result("speaker", judge_speaker_test(False))
    assert verdict(d)["speaker"][0] == "✗"
    assert "did not hear the chime" in verdict(d)["speaker"][1]

    tests.set_available(False)  # connected
    assert not tests.mic_button.isEnabled() and not tests.speaker_button.isEnabled()
    assert tests.status.text() == "End the conversation to run a test: Gemini would hear it."
    d.close()
    d.deleteLater()


def _tab_chain(start: QWidget, limit: int = 500) -> list[QWidget]:
    chain: list[QWidget] = []
    w: QWidget | None = start
    for _ in range(limit):
        assert w is not None
        w = w.nextInFocusChain()
        if w is start:
            break
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            chain.append(w)
    return chain


def test_keyboard_reaches_and_presses_the_tests(qapp) -> None:  # noqa: F811
    d = Sources().dialog()
    d.show()
    d.activateWindow()
    assert QTest.qWaitForWindowActive(d)
    chain = _tab_chain(d)
    for button in (d.tests.mic_button, d.tests.speaker_button, d.copy_button):
        assert button in chain, button.text()
    # Tab really moves there from the first control.
    d.tests.mic_button.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is d.tests.speaker_button

    mic = QSignalSpy(d.tests.micTestRequested)
    speaker = QSignalSpy(d.tests.speakerTestRequested)
    QTest.keyClick(d, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # "Test &microphone"
    assert mic.count() == 1 or mic.wait(1000)
    QTest.keyClick(d, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # "Test &speaker"
    assert speaker.count() == 1 or speaker.wait(1000)

    d.tests.ask_heard()
    assert QApplication.focusWidget() is d.tests.yes_button  # the question takes focus
    answered = QSignalSpy(d.tests.chimeAnswered)
    QTest.keyClick(d, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # "&Yes, I heard it"
    assert answered.count() == 1 or answered.wait(1000)
    assert answered.at(0) == [True]
    d.close()
    d.deleteLater()
    process_events()


def test_a_longer_verdict_grows_the_dialog_instead_of_squeezing_it(qapp) -> None:  # noqa: F811
    from gemini_desk.core.diagnosis import MicFigures, judge_mic

    d = Sources().dialog()
    d.show()
    process_events()
    before = d.height()
    d.set_test_result("mic", judge_mic(MicFigures(3.0, -90.0, -90.0, 0.0), recorded=True))
    process_events()  # the fit runs once the labels have their new text
    layout = d.layout()
    assert layout is not None
    assert d.height() >= layout.totalHeightForWidth(d.width()) > before
    d.close()
    d.deleteLater()


def test_a_muted_microphone_is_not_taken_for_a_silent_one(qapp) -> None:  # noqa: F811
    src = Sources()
    src.mic = {**MIC, "muted": True}  # muted: the stream is closed, the level at the floor
    d = src.dialog()
    _readings(d, src, 40, (-90.0, -90.0, False))
    d.refresh()
    assert verdict(d)["mic"] == ("•", "The microphone is muted. Unmute it to check it here.")
    src.mic = {**MIC, "muted": False}  # unmuted: judged from its own readings only
    _readings(d, src, 10, (-60.0, -40.0, False))
    d.refresh()
    assert verdict(d)["mic"] == ("•", "Listening to the microphone…")
    d.deleteLater()
