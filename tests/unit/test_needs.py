"""A missing tool skips a test locally and fails it in CI (tests/support/needs.py)."""

from __future__ import annotations

import pytest

from tests.support.needs import in_ci, need_tool


@pytest.mark.parametrize(
    ("value", "ci"), [("", False), ("0", False), ("false", False), ("true", True), ("1", True)]
)
def test_ci_is_the_ci_variable(monkeypatch: pytest.MonkeyPatch, value: str, ci: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is ci


def test_a_missing_tool_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool is not installed"):
        need_tool("no-such-tool", "no-such-package")


def test_a_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run this test"):
        need_tool("no-such-tool", "no-such-package")


def test_a_present_tool_is_found() -> None:
    assert need_tool("sh", "dash").endswith("/sh")
