"""The Qt test support really catches Qt warnings."""

from __future__ import annotations

from PySide6.QtCore import qWarning

from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401


def test_qt_warning_is_collected(qt_warnings_fatal: list[str]) -> None:  # noqa: F811
    qWarning("something went wrong")
    assert any("something went wrong" in m for m in qt_warnings_fatal)
    qt_warnings_fatal.clear()  # collected as expected: do not fail this test
