"""LevelMeter: polls its source on a timer, ballistics, peak hold, clip, muted look."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gemini_desk.app.streams import LevelTap
from gemini_desk.core.level_meter import LevelMeter as AudioLevel
from gemini_desk.ui.level_meter import (
    ASLEEP_TICKS,
    FLOOR_DB,
    IDLE_POLL_INTERVAL_MS,
    POLL_INTERVAL_MS,
    SETTLE_TICKS,
    LevelMeter,
)
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


class FakeSource:
    def __init__(self) -> None:
        self.level: tuple[float, float, bool] = (float("-inf"), float("-inf"), False)
        self.calls = 0

    def __call__(self) -> tuple[float, float, bool]:
        self.calls += 1
        return self.level


@pytest.fixture
def source() -> FakeSource:
    return FakeSource()


@pytest.fixture
def meter(qapp, source: FakeSource) -> Iterator[LevelMeter]:  # noqa: F811
    widget = LevelMeter(source, "Mic")
    widget.resize(240, 24)
    yield widget
    widget.close()
    widget.deleteLater()


def test_polls_its_source_only_while_visible(meter: LevelMeter, source: FakeSource) -> None:
    process_events(80)
    assert source.calls == 0
    meter.show()
    process_events(250)
    assert 3 <= source.calls <= 12  # ~30 fps
    meter.hide()
    calls = source.calls
    process_events(100)
    assert source.calls == calls


def test_fast_attack_slow_release(meter: LevelMeter, source: FakeSource) -> None:
    source.level = (-10.0, -3.0, False)
    meter.poll(dt=1 / 30)
    assert meter.rms_db == pytest.approx(-10.0)
    assert meter.peak_db == pytest.approx(-3.0)
    source.level = (-60.0, -60.0, False)
    meter.poll(dt=0.5)
    assert meter.rms_db == pytest.approx(-20.0)  # 20 dB/s release
    assert meter.peak_db == pytest.approx(-3.0)  # peak is held for a second
    meter.poll(dt=0.6)
    assert meter.peak_db < -3.0


def test_silence_and_garbage_show_the_floor(meter: LevelMeter, source: FakeSource) -> None:
    source.level = (float("nan"), float("-inf"), False)
    meter.poll(dt=0.1)
    assert meter.rms_db == FLOOR_DB
    source.level = (12.0, 3.0, False)  # above full scale: clamp
    meter.poll(dt=0.1)
    assert meter.rms_db == 0.0
    assert meter.peak_db == 0.0


def test_clip_lamp_lights_and_fades(meter: LevelMeter, source: FakeSource) -> None:
    source.level = (-1.0, 0.0, True)
    meter.poll(dt=0.03)
    assert meter.clip_lit
    source.level = (-30.0, -20.0, False)
    meter.poll(dt=2.0)
    assert not meter.clip_lit


def test_muted_look(meter: LevelMeter, source: FakeSource) -> None:
    source.level = (-6.0, -1.0, True)
    meter.poll(dt=0.03)
    meter.set_muted(True)
    assert meter.muted
    assert meter.rms_db == FLOOR_DB and meter.peak_db == FLOOR_DB
    assert not meter.clip_lit
    meter.poll(dt=0.03)
    assert meter.rms_db == FLOOR_DB
    meter.show()
    image = meter.grab().toImage()  # paints without errors in the muted state
    assert not image.isNull()
    meter.set_muted(False)
    meter.poll(dt=0.03)
    assert meter.rms_db == pytest.approx(-6.0)


def test_paints_levels(meter: LevelMeter, source: FakeSource) -> None:
    meter.show()
    source.level = (-12.0, -3.0, False)
    meter.poll(dt=0.03)
    quiet = meter.grab().toImage()
    source.level = (-1.0, -0.5, True)
    meter.poll(dt=0.03)
    loud = meter.grab().toImage()
    assert quiet != loud
    assert meter.accessibleName() == "Mic level"


class PaintCount(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_repaints_only_when_what_it_shows_changes(meter: LevelMeter, source: FakeSource) -> None:
    meter.show()
    process_events(50)
    meter._timer.stop()  # polls by hand from here on
    count = PaintCount(meter)
    source.level = (-30.0, -20.0, False)
    meter.poll(dt=1 / 30)
    process_events(30)
    assert count.paints == 1
    for _ in range(5):  # the same level, settled: nothing to repaint
        meter.poll(dt=0.0)
        process_events(10)
    assert count.paints == 1
    source.level = (-12.0, -6.0, False)
    meter.poll(dt=1 / 30)
    process_events(30)
    assert count.paints == 2
    meter.set_muted(True)
    process_events(30)
    meter.set_muted(True)
    meter.poll(dt=1 / 30)
    process_events(30)
    assert count.paints == 3  # muted once: one repaint


def test_polls_slowly_while_still_and_fast_again_when_sound_comes(
    meter: LevelMeter, source: FakeSource
) -> None:
    meter.show()
    process_events(50)
    assert meter.poll_interval_ms == POLL_INTERVAL_MS
    for _ in range(SETTLE_TICKS + 1):  # silence: the floor, unchanged
        meter.poll(dt=1 / 30)
    assert meter.poll_interval_ms == IDLE_POLL_INTERVAL_MS
    source.level = (-20.0, -10.0, False)
    meter.poll(dt=1 / 10)
    assert meter.poll_interval_ms == POLL_INTERVAL_MS


def test_no_polling_while_its_window_is_minimised(qapp, source: FakeSource) -> None:  # noqa: F811
    window = QWidget()
    layout = QVBoxLayout(window)
    meter = LevelMeter(source, "Mic")
    layout.addWidget(meter)
    window.show()
    process_events(50)
    assert meter.polling
    window.setWindowState(Qt.WindowState.WindowMinimized)
    process_events(50)
    assert not meter.polling
    calls = source.calls
    process_events(150)
    assert source.calls == calls
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.show()
    process_events(50)
    assert meter.polling
    window.close()
    window.deleteLater()


def _wait(cond: object, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        process_events(10)


def test_sleeps_at_the_floor_and_wakes_on_the_first_sound(qapp) -> None:  # noqa: F811
    audio = AudioLevel()  # the stream's meter, fed from an "audio" thread below
    tap = LevelTap()
    tap.meter = audio
    meter = LevelMeter(tap, "Mic")
    meter.resize(240, 24)
    meter.show()
    process_events(50)
    assert meter.polling
    for _ in range(ASLEEP_TICKS - 1):  # silence, unchanged: not yet
        meter.poll(dt=1 / 30)
    assert meter.polling and not meter.asleep
    meter.poll(dt=1 / 30)
    assert meter.asleep and not meter.polling
    meter.hide()
    meter.show()  # shown again: still asleep, nothing to poll for
    process_events(50)
    assert not meter.polling
    loud = (0.3 * np.sin(np.arange(320) * 0.2)).astype(np.float32)
    feeder = threading.Thread(target=audio.update, args=(loud,), name="audio")
    feeder.start()
    feeder.join()
    _wait(lambda: meter.polling)
    assert not meter.asleep and meter.poll_interval_ms == POLL_INTERVAL_MS
    _wait(lambda: meter.rms_db > -20.0)  # the sound shows
    meter.close()
    meter.deleteLater()


def test_a_source_that_cannot_wake_it_keeps_it_polling(
    meter: LevelMeter, source: FakeSource
) -> None:
    meter.show()
    process_events(50)
    for _ in range(ASLEEP_TICKS * 2):
        meter.poll(dt=1 / 30)
    assert meter.polling and not meter.asleep
    assert meter.poll_interval_ms == IDLE_POLL_INTERVAL_MS


def test_does_not_sleep_while_something_shows(qapp) -> None:  # noqa: F811
    audio = AudioLevel()
    tap = LevelTap()
    tap.meter = audio
    meter = LevelMeter(tap, "Mic")
    meter.show()
    process_events(20)
    audio.update((0.3 * np.ones(320)).astype(np.float32))  # a steady level: unchanged
    for _ in range(ASLEEP_TICKS * 2):
        meter.poll(dt=1 / 30)
    assert meter.polling and not meter.asleep
    meter.set_muted(True)
    for _ in range(ASLEEP_TICKS * 2):
        meter.poll(dt=1 / 30)
    assert meter.polling and not meter.asleep  # muted: the muted look, not asleep
    meter.close()
    meter.deleteLater()
