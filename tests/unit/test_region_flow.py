"""Sharing a region on Wayland, sans I/O: picker, first frame, selector, crop."""

from __future__ import annotations

from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.region_flow import (
    ClosePortal,
    CloseSelector,
    Crop,
    Phase,
    RegionFlow,
    ShowSelector,
    Stop,
)


def test_picker_then_first_frame_then_the_selector_then_the_crop() -> None:
    flow = RegionFlow(select=True)
    assert flow.phase is Phase.PICKER
    assert flow.frame() == []  # no stream yet: nothing to show
    assert flow.picked(1920, 1080) == []
    assert flow.phase is Phase.FIRST_FRAME
    assert flow.selected(Rect(0, 0, 100, 100)) == []  # no selector yet
    assert flow.frame() == [ShowSelector(1920, 1080)]
    assert flow.phase is Phase.SELECTING
    assert flow.frame() == []  # later frames do not show it again
    assert flow.selected(Rect(100, 50, 640, 360)) == [
        CloseSelector(),
        Crop(Rect(100, 50, 640, 360)),
    ]
    assert (flow.phase, flow.crop) == (Phase.SHARING, Rect(100, 50, 640, 360))
    assert flow.cancelled() == []  # too late to cancel the selector
    assert flow.ended("ended") == [ClosePortal(), Stop("ended")]
    assert flow.done
    assert flow.ended("failed") == []  # once


def test_a_selection_is_clipped_to_the_picture_and_a_tiny_one_is_not_taken() -> None:
    flow = RegionFlow(select=True)
    flow.picked(800, 600)
    flow.frame()
    assert flow.selected(Rect(795, 10, 5, 200)) == []  # 5 px wide: the selector stays
    assert flow.selected(Rect(900, 700, 50, 50)) == []  # off the picture
    assert flow.phase is Phase.SELECTING
    assert flow.selected(Rect(-20, 500, 300, 300)) == [
        CloseSelector(),
        Crop(Rect(0, 500, 280, 100)),
    ]


def test_cancelling_the_selector_closes_it_and_the_portal_session() -> None:
    flow = RegionFlow(select=True)
    flow.picked(1280, 800)
    flow.frame()
    assert flow.cancelled() == [CloseSelector(), ClosePortal(), Stop("cancelled")]
    assert flow.phase is Phase.CANCELLED and flow.done
    assert flow.selected(Rect(0, 0, 100, 100)) == []
    assert flow.ended("ended") == []  # the stop that follows adds nothing


def test_a_refused_picker_stops_without_a_portal_session_to_close() -> None:
    flow = RegionFlow(select=True)
    assert flow.ended("refused") == [Stop("refused")]
    assert flow.phase is Phase.ENDED


def test_the_stream_failing_before_or_during_selection() -> None:
    waiting = RegionFlow(select=True)
    waiting.picked(1280, 800)
    assert waiting.ended("failed") == [ClosePortal(), Stop("failed")]
    selecting = RegionFlow(select=True)
    selecting.picked(1280, 800)
    selecting.frame()
    assert selecting.ended("failed") == [CloseSelector(), ClosePortal(), Stop("failed")]


def test_a_stream_without_a_size_fails() -> None:
    flow = RegionFlow(select=True)
    assert flow.picked(0, 800) == [Stop("failed")]


def test_a_region_known_up_front_shares_at_once() -> None:
    flow = RegionFlow(select=False, crop=Rect(40, 100, 1200, 600))
    assert flow.picked(1280, 800) == [Crop(Rect(40, 100, 1200, 600))]
    assert flow.phase is Phase.SHARING
    assert flow.frame() == []  # no selector
    whole = RegionFlow(select=False)
    assert whole.picked(1280, 800) == [Crop(None)]
