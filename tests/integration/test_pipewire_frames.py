"""Reading a real PipeWire video stream (the Wayland share path after the portal): a
GStreamer test source published in the Wayland session's PipeWire, read back through a
file descriptor as the portal hands one over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time

from gemini_desk.vision.pipewire_frames import PipeWireFrames
from tests.support.needs import need_tool
from tests.support.sway import WaylandSession, sway_session

__all__ = ["sway_session"]

BLUE = 0xFF1E88E5  # ARGB, as QImage.pixel() gives it


def node_named(session: WaylandSession, name: str) -> int | None:
    done = session.run(["pw-dump"], text=True)
    for obj in json.loads(done.stdout or "[]"):
        if obj.get("info", {}).get("props", {}).get("node.name") == name:
            return int(obj["id"])
    return None


def test_frames_of_a_pipewire_stream_arrive_scaled_through_an_fd(
    sway_session: WaylandSession,
) -> None:
    need_tool("gst-launch-1.0", "gstreamer1.0-tools")
    need_tool("pw-dump", "pipewire-bin")
    source = sway_session.popen(
        ["gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=solid-color",
         f"foreground-color={BLUE:#x}", "!",
         "video/x-raw,format=BGRx,width=320,height=200,framerate=10/1", "!",
         "pipewiresink", "mode=provide",
         "stream-properties=props,media.class=Video/Source,node.name=gd-test-source"],
        sway_session.client_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while (node := node_named(sway_session, "gd-test-source")) is None:
            assert time.monotonic() < deadline, "the test source never appeared in PipeWire"
            time.sleep(0.1)
        remote = socket.socket(socket.AF_UNIX)
        remote.connect(str(sway_session.runtime / "pipewire-0"))
        fd = remote.detach()  # what OpenPipeWireRemote hands over: a connected socket
        frames = PipeWireFrames(node, fd, 160, 100, fps=5)
        frames.start()
        os.close(fd)  # the child has its own copy
        try:
            deadline = time.monotonic() + 20
            while frames.frames < 3:
                assert time.monotonic() < deadline, "no frames from PipeWire"
                time.sleep(0.05)
            image = frames.latest()
            assert image is not None
            assert (image.width(), image.height()) == (160, 100)
            for x, y in ((0, 0), (80, 50), (159, 99)):
                assert image.pixel(x, y) == BLUE, f"pixel {(x, y)} is {image.pixel(x, y):#x}"
        finally:
            frames.stop()
    finally:
        source.terminate()
        source.wait(10)
