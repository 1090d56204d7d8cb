"""Issue 18, findings 5 and 18 (transcript half): a torn append (disk full) never costs
the next turn, and appends are written and fsynced off the caller's thread."""

from __future__ import annotations

import errno
import subprocess
import sys
import threading
from pathlib import Path

from gemini_desk.core.serial_writer import SerialWriter
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from tests.support.blocked_fsync import WAIT, BlockedFsync, blocked_fsync  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

DISK_FILLS_MID_WRITE = """
import resource, signal, sys
from pathlib import Path
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
store = TranscriptStore(Path(sys.argv[1]), started_at=0)
store.append(Turn(id=1, role=Role.USER, text="first", finished=True))
good = store.path.stat().st_size
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (good + 40, hard))  # room for 40 bytes only
try:
    store.append(Turn(id=2, role=Role.MODEL, text="x" * 400, finished=True))
except OSError as exc:
    print("failed", exc.errno)
else:
    print("written")
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space again
store.append(Turn(id=3, role=Role.USER, text="third", finished=True))
print(store.path)
"""


def test_a_disk_that_fills_mid_write_does_not_cost_the_next_turn(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", DISK_FILLS_MID_WRITE, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    outcome, path = done.stdout.splitlines()
    assert outcome == f"failed {errno.EFBIG}", "the second append was meant to fail"
    assert [t["text"] for t in TranscriptStore.read(Path(path))] == ["first", "third"]
    assert Path(path).read_text().count("\n") == 2, "the torn fragment is still there"


def test_a_fragment_left_in_the_file_is_cut_or_closed_before_the_next_turn(
    tmp_path: Path,
) -> None:
    store = TranscriptStore(tmp_path, started_at=0)
    store.append(Turn(id=1, role=Role.USER, text="one", finished=True))
    with open(store.path, "a") as fh:  # a torn write whose clean-up failed too
        fh.write('{"id": 2, "te')
    store.append(Turn(id=3, role=Role.USER, text="three", finished=True))
    assert [t["text"] for t in TranscriptStore.read(store.path)] == ["one", "three"]
    # A store that did not write the fragment (it cannot know the good length) starts
    # its record on a fresh line instead.
    with open(store.path, "a") as fh:
        fh.write('{"id": 4, "te')
    other = TranscriptStore(tmp_path, started_at=0)
    other.path = store.path
    other.append(Turn(id=5, role=Role.USER, text="five", finished=True))
    assert [t["text"] for t in TranscriptStore.read(store.path)] == ["one", "three", "five"]


# --- finding 18: appends leave the caller's thread ---------------------------------------------


def test_append_returns_before_the_fsync_and_flush_writes_every_turn_in_order(
    tmp_path: Path,
    blocked_fsync: BlockedFsync,  # noqa: F811
) -> None:
    writer = SerialWriter("test-transcript")
    store = TranscriptStore(tmp_path, started_at=0, writer=writer)
    returned = threading.Event()

    def talk() -> None:
        for i in range(1, 21):
            store.append(Turn(id=i, role=Role.USER, text=f"turn {i}", finished=True))
        returned.set()

    threading.Thread(target=talk, daemon=True).start()
    assert returned.wait(WAIT), "append() waited for the disk"
    assert blocked_fsync.entered.wait(WAIT), "nothing was written"
    assert not writer.flush(0.2), "flush() claims done while an fsync still blocks"
    blocked_fsync.release()
    assert writer.flush(WAIT)
    assert [t["text"] for t in TranscriptStore.read(store.path)] == [
        f"turn {i}" for i in range(1, 21)
    ]


def test_a_failed_background_append_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "conversations"
    blocker.write_text("not a folder")
    errors: list[OSError] = []
    writer = SerialWriter("test-transcript")
    store = TranscriptStore(blocker, started_at=0, writer=writer, on_error=errors.append)
    store.append(Turn(id=1, role=Role.USER, text="lost", finished=True))  # does not raise
    assert writer.flush(WAIT)
    assert len(errors) == 1 and isinstance(errors[0], OSError)
