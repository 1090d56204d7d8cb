"""Display-system detection and the --share-region option."""

from __future__ import annotations

import pytest

from gemini_desk.app.cli import parse_args
from gemini_desk.core.messages import MessageId, message
from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.platform import detect


def test_x11_grabs_directly() -> None:
    support = detect("xcb", {"XDG_SESSION_TYPE": "x11"})
    assert support.display == "x11" and support.direct_grab and not support.portal
    assert support.note is None


def test_wayland_uses_the_portal_and_says_what_does_not_work() -> None:
    support = detect("wayland", {"XDG_SESSION_TYPE": "wayland"})
    assert support.display == "wayland" and support.portal and not support.direct_grab
    assert support.note == message(MessageId.WAYLAND_PORTAL)


def test_xwayland_is_named() -> None:
    support = detect("xcb", {"XDG_SESSION_TYPE": "wayland"})
    assert support.direct_grab and support.note == message(MessageId.XWAYLAND_LIMITS)


def test_offscreen_cannot_capture() -> None:
    support = detect("offscreen", {})
    assert not support.direct_grab and not support.portal
    assert support.note == message(MessageId.NO_SCREEN)


def test_share_region_option(capsys: pytest.CaptureFixture[str]) -> None:
    # A negative X (monitor left of the primary) needs the "=" form.
    got = parse_args(["--share-region=-100,20,640,480"]).share_region
    assert got == Rect(-100, 20, 640, 480)
    assert parse_args([]).share_region is None
    with pytest.raises(SystemExit):
        parse_args(["--share-region", "1,2,3"])
    assert "X,Y,W,H" in capsys.readouterr().err
