"""The single-instance lock: taken before anything is built, handed over, stale ones removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gemini_desk.platform.instance_lock import Outcome, claim_instance

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("locked", flush=True)
sys.stdin.read()
"""


@contextmanager
def holder(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    with proc:  # closes the pipes however the holder ended
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.communicate("", timeout=30)


def test_the_first_launch_takes_the_lock_and_gives_it_back(tmp_path: Path) -> None:
    path = tmp_path / "config" / "instance.lock"

    def never(attempt: int) -> int | None:
        raise AssertionError("nobody to hand over to")

    claim = claim_instance(path, never)
    assert claim.outcome is Outcome.FIRST and path.exists()
    assert oct(os.stat(path.parent).st_mode & 0o777) == oct(0o700)
    claim.release()
    assert not path.exists()


def test_a_second_launch_hands_over_once_the_first_answers(tmp_path: Path) -> None:
    """The first instance may still be building (its socket not up): ask again."""
    path = tmp_path / "instance.lock"
    asked: list[int] = []

    def hand_over(attempt: int) -> int | None:
        asked.append(attempt)
        return None if len(asked) < 3 else 0

    with holder(path):
        claim = claim_instance(path, hand_over, timeout_s=20)
    assert claim.outcome is Outcome.HANDED_OVER and claim.exit_code == 0
    assert len(asked) == 3
    assert path.exists() is False, "the holder let go; the second took nothing"


def test_a_holder_that_never_answers_is_named(tmp_path: Path) -> None:
    path = tmp_path / "instance.lock"
    with holder(path) as proc:
        claim = claim_instance(path, lambda attempt: None, timeout_s=0.5)
        assert claim.outcome is Outcome.BUSY and claim.exit_code == 1
        assert f"pid {proc.pid}" in claim.holder


def test_a_lock_left_by_a_crashed_run_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "instance.lock"
    with holder(path) as proc:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert path.exists(), "the crashed run left its lock"

    def never(attempt: int) -> int | None:
        raise AssertionError("a dead process is not handed anything")

    claim = claim_instance(path, never, timeout_s=5)
    assert claim.outcome is Outcome.FIRST
    claim.release()


def test_a_lock_that_cannot_be_made_runs_unguarded(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("a file where the folder should be")
    claim = claim_instance(tmp_path / "config" / "instance.lock", lambda attempt: None)
    assert claim.outcome is Outcome.UNLOCKED
    claim.release()
