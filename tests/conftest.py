"""Rules for every test: seeded randomness, and Qt warnings fail tests in every phase."""

from __future__ import annotations

import os
import random
from collections.abc import Generator

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.logging import QtLoggingPlugin

# Sets up the offscreen platform before anything can make a QApplication.
from tests.support.qt import TeardownQtLog, process_events

pytest_plugins = ["pytester"]  # tests/ui/test_qt_support.py runs a child pytest

# TEST_SEED=N runs the suite with another seed; a failing test prints the one it used.
SEED = int(os.environ.get("TEST_SEED", "20240917"))


@pytest.fixture(autouse=True)
def seeded_randomness() -> None:
    """``random`` and NumPy's global generator start every test from the same state, so
    code that draws from them (the reconnect back-off's jitter) repeats exactly."""
    print(f"random seed {SEED} (set TEST_SEED to change it)")
    random.seed(SEED)
    np.random.seed(SEED)  # the legacy global state (np.random.rand and friends)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """pytest-qt stops failing tests on Qt warnings under ``-s`` (it leaves the messages
    to the terminal then); keep the rule whenever its log capture is not turned off."""
    if config.getoption("qt_log") and not config.pluginmanager.has_plugin("_qt_logging"):
        config.pluginmanager.register(QtLoggingPlugin(config), "_qt_logging")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    """Teardown under pytest-qt's rules too (pytest-qt's own check ends with the body)."""
    if not item.config.getoption("qt_log") or item.get_closest_marker("no_qt_log"):
        return (yield)
    with TeardownQtLog(item) as qt_log:
        result = yield
        if QCoreApplication.instance() is not None:
            process_events(0)  # what the teardown left to the event loop (deleteLater)
    qt_log.fail_if_logged()
    return result
