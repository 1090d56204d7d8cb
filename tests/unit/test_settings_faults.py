"""Issue 18, findings 4, 6 and 18 (settings half): a save that fails never gets in the
way (it is told once), a corrupt file is kept aside with every readable value, and the
fsync runs off the caller's thread, with everything flushed at shutdown."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from gemini_desk.core.messages import Message, MessageId
from gemini_desk.core.serial_writer import SerialWriter
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.core.settings_model import SettingsModel
from tests.support.blocked_fsync import WAIT, BlockedFsync, blocked_fsync  # noqa: F401


def _unwritable(tmp_path: Path) -> SettingsStore:
    """A store whose folder is a plain file: every save fails, even for root."""
    blocker = tmp_path / "config"
    blocker.write_text("not a folder")
    return SettingsStore(blocker / "settings.json")


# --- finding 4: a failed save is told once and never raised ----------------------------------
def test_a_save_that_fails_is_told_once_and_the_change_still_applies(tmp_path: Path) -> None:
    store = _unwritable(tmp_path)
    told: list[Message] = []
    heard: list[str] = []
    model = SettingsModel(Settings(), save=store.save, on_save_error=told.append)
    model.subscribe(("voice",), lambda _old, new: heard.append(new.voice))

    assert model.update(voice="Kore").voice == "Kore"  # no exception reaches the caller
    model.update(voice="Puck")
    model.update(window_geometry="abc")  # what shutdown does

    assert model.current.voice == "Puck" and heard == ["Kore", "Puck"]
    assert len(told) == 1 and told[0].id is MessageId.SETTINGS_NOT_SAVED
    assert isinstance(told[0].args[0], str) and told[0].args[0]  # the OS's words


def test_a_failure_after_a_successful_save_is_told_again(tmp_path: Path) -> None:
    broken = [True]
    told: list[Message] = []

    def save(settings: Settings) -> None:
        if broken[0]:
            raise OSError(28, "No space left on device")

    model = SettingsModel(Settings(), save=save, on_save_error=told.append)
    model.update(voice="Kore")
    model.update(voice="Puck")
    broken[0] = False
    model.update(voice="Zephyr")
    broken[0] = True
    model.update(voice="Charon")
    assert [m.args for m in told] == [("No space left on device.",)] * 2


def test_a_save_that_fails_in_the_background_is_told_once(tmp_path: Path) -> None:
    store = _unwritable(tmp_path)
    told: list[Message] = []
    writer = SerialWriter("test-settings")
    model = SettingsModel(Settings(), save=store.save, on_save_error=told.append, writer=writer)
    model.update(voice="Kore")
    assert model.flush(WAIT)
    model.update(voice="Puck")
    assert model.flush(WAIT)
    assert model.current.voice == "Puck"
    assert [m.id for m in told] == [MessageId.SETTINGS_NOT_SAVED]


# --- finding 6: a corrupt file is kept aside, its readable values kept -------------------------
STORED = Settings(
    voice="Kore",
    system_instruction="Answer like a pirate.",
    input_device="USB Mic",
    output_device="Desk speakers",
    tool_policies={"open_url": "never"},
)


def _torn(tmp_path: Path) -> Path:
    """The settings file cut off in its last value (a disk that filled while writing)."""
    path = tmp_path / "settings.json"
    SettingsStore(path).save(STORED)
    text = path.read_text()
    cut = text.index('"window_geometry"')  # sort_keys: output_device etc. come before it
    path.write_text(text[:cut] + '"window_geometry": "AAA')
    return path


def test_a_corrupt_file_is_kept_aside_and_its_readable_values_are_kept(tmp_path: Path) -> None:
    path = _torn(tmp_path)
    damaged = path.read_bytes()
    store = SettingsStore(path)
    loaded = store.load()

    assert loaded.voice == "Kore" and loaded.system_instruction == "Answer like a pirate."
    assert (loaded.input_device, loaded.output_device) == ("USB Mic", "Desk speakers")
    assert loaded.tool_policies == {"open_url": "never"}
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.bad-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert store.notice == Message(MessageId.SETTINGS_DAMAGED, (kept[0].name,))
    # What was rescued is written back at once: a later run loads it and is told nothing.
    again = SettingsStore(path)
    assert again.load() == loaded and again.notice is None


@pytest.mark.parametrize(
    "content",
    [b"[1, 2]", b"\xff\xfe garbage", b"[" * 100_000, b'{"voice": NaN}'],
    ids=["not an object", "not text", "nested too deep", "NaN"],
)
def test_unusable_files_give_defaults_and_are_kept(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.load() == Settings()
    assert store.notice is not None and store.notice.id is MessageId.SETTINGS_DAMAGED
    kept = tmp_path / str(store.notice.args[0])
    assert kept.read_bytes() == content


def test_a_good_file_is_not_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    SettingsStore(path).save(STORED)
    store = SettingsStore(path)
    assert store.load() == STORED.validated() and store.notice is None
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


# --- finding 18: the fsync leaves the caller's thread; shutdown flushes ------------------------


def _in_thread(fn: object) -> threading.Event:
    done = threading.Event()

    def run() -> None:
        fn()  # type: ignore[operator]
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done


def test_saving_returns_before_the_fsync_and_shutdown_flushes_the_last(
    tmp_path: Path,
    blocked_fsync: BlockedFsync,  # noqa: F811
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    saved: list[str] = []

    def save(settings: Settings) -> None:
        saved.append(settings.voice)
        store.save(settings)

    model = SettingsModel(Settings(), save=save, writer=SerialWriter("test-settings"))

    def many_changes() -> None:
        for voice in ("Kore", "Puck", "Charon", "Zephyr"):
            model.update(voice=voice)

    returned = _in_thread(many_changes)
    assert returned.wait(WAIT), "update() waited for the disk"
    assert model.current.voice == "Zephyr"
    assert blocked_fsync.entered.wait(WAIT), "nothing was saved"
    assert not model.flush(0.2), "flush() claims done while an fsync still blocks"
    blocked_fsync.release()
    assert model.flush(WAIT)
    assert json.loads(store.path.read_text())["voice"] == "Zephyr"
    assert saved[-1] == "Zephyr" and len(saved) <= 2, f"queued saves not coalesced: {saved}"
