"""Frames of one PipeWire video stream, read through GStreamer's ``pipewiresrc``.

``gst-launch-1.0`` runs as a child process: it connects to PipeWire with the portal's
file descriptor, converts to BGRx at a fixed size and a capped rate, and writes raw
frames to a pipe; a reader thread keeps only the newest. The app itself links no
PipeWire or GStreamer library (Debian: gstreamer1.0-tools, gstreamer1.0-pipewire,
gstreamer1.0-plugins-base; installed with every GNOME and KDE desktop).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Callable

from PySide6.QtGui import QImage

log = logging.getLogger("gemini_desk.vision")

GST_LAUNCH = "gst-launch-1.0"


def gst_command(node_id: int, fd: int | None, width: int, height: int, fps: int) -> list[str]:
    """The pipeline: the stream, converted and scaled to ``width`` x ``height`` BGRx, at
    most ``fps`` frames a second, raw on stdout."""
    source = ["pipewiresrc", f"path={node_id}", "do-timestamp=true", "always-copy=true"]
    if fd is not None:
        source.insert(1, f"fd={fd}")
    return [
        GST_LAUNCH,
        "-q",
        *source,
        "!", "videorate", "drop-only=true", f"max-rate={max(1, fps)}",
        "!", "videoconvert",
        "!", "videoscale",
        "!", f"video/x-raw,format=BGRx,width={width},height={height}",
        "!", "fdsink", "fd=1", "sync=false",
    ]  # fmt: skip


class PipeWireFrames:
    """The newest frame of a PipeWire stream, ``width`` x ``height`` (RGB32).

    ``on_end(text)`` is called (from the reader thread) when the stream ends by itself,
    ``on_first()`` (from the reader thread too) once the first frame is there.
    """

    def __init__(
        self,
        node_id: int,
        fd: int | None,
        width: int,
        height: int,
        fps: int = 5,
        on_end: Callable[[str], None] | None = None,
        on_first: Callable[[], None] | None = None,
    ) -> None:
        self.node_id, self.fd = node_id, fd
        self.width, self.height, self.fps = width, height, fps
        self.frames = 0
        self._on_end = on_end
        self._on_first = on_first
        self._lock = threading.Lock()
        self._latest: bytes | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    @staticmethod
    def available() -> bool:
        return shutil.which(GST_LAUNCH) is not None

    def start(self) -> None:
        """Start the child (raises OSError when it cannot run)."""
        cmd = gst_command(self.node_id, self.fd, self.width, self.height, self.fps)
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=() if self.fd is None else (self.fd,),
        )
        self._thread = threading.Thread(target=self._read, name="gd-pipewire", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        size = self.width * self.height * 4
        out = proc.stdout
        while True:
            data = _read_exactly(out, size)
            if data is None:
                break
            with self._lock:
                self._latest = data
                self.frames += 1
            if self.frames == 1 and self._on_first is not None:
                self._on_first()
        err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
        code = proc.wait()
        if not self._stopping:
            log.info("the PipeWire stream ended (gst-launch exit %s): %s", code, err[-500:])
            if self._on_end is not None:
                self._on_end(err.splitlines()[-1] if err else f"exit code {code}")

    def latest(self) -> QImage | None:
        """The newest frame, or None before the first."""
        with self._lock:
            data = self._latest
        if data is None:
            return None
        return QImage(data, self.width, self.height, 4 * self.width, QImage.Format.Format_RGB32)

    def stop(self) -> None:
        self._stopping = True
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(3)
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(3)
        if proc is not None:
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


def _read_exactly(stream: object, size: int) -> bytes | None:
    """``size`` bytes from a pipe, or None at its end."""
    fd = stream.fileno()  # type: ignore[attr-defined]
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
