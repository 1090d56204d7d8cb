"""The Qt test support really fails tests on Qt warnings, in the body and in teardown."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QApplication

from tests.support.qt import APP_NAME, qapp, qt_warnings_fatal  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def test_the_application_is_pytest_qts_configured_one(qapp: QApplication) -> None:  # noqa: F811
    assert QApplication.instance() is qapp
    assert qapp.applicationName() == APP_NAME and qapp.platformName() == "offscreen"


@pytest.mark.qt_log_level_fail("NO")
def test_a_qt_warning_is_recorded(qtlog) -> None:  # type: ignore[no-untyped-def]
    qWarning("something went wrong")
    assert ("WARNING", "something went wrong") in [
        (r.log_type_name, r.message) for r in qtlog.records
    ]


def _pytest_options_of_this_repo() -> str:
    """pyproject.toml's [tool.pytest.ini_options] table, as text."""
    text = (ROOT / "pyproject.toml").read_text()
    table = re.search(r"^\[tool\.pytest\.ini_options\]\n.*?(?=^\[)", text, re.M | re.S)
    assert table is not None
    return table.group(0)


@pytest.mark.parametrize("capture", [[], ["-s"]], ids=["captured", "-s"])
def test_warnings_fail_the_body_and_the_teardown(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capture: list[str]
) -> None:
    """A child pytest with this repository's settings and conftest: a warning in a test's
    body fails it, one in a fixture's teardown errors it, the offscreen notice passes."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    pytester.makefile(".toml", pyproject=_pytest_options_of_this_repo())
    pytester.makeconftest("from tests.conftest import *  # noqa: F403\n")
    pytester.makepyfile(
        test_child="""
        import pytest
        from PySide6.QtCore import qWarning
        from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401

        @pytest.fixture
        def warns_on_teardown():
            yield
            qWarning("left a mess")

        def test_body():
            qWarning("in the body")

        def test_teardown(warns_on_teardown):
            pass

        def test_allowed():
            qWarning("This plugin does not support propagateSizeHints()")

        def test_quiet():
            pass
        """
    )
    result = pytester.runpytest_subprocess("test_child.py", "-p", "no:cacheprovider", *capture)
    result.assert_outcomes(passed=3, failed=1, errors=1)
    result.stdout.fnmatch_lines_random(["*in the body*", "*Qt logged during teardown*"])
    assert "left a mess" in result.stdout.str()
