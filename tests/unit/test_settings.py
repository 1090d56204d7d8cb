"""Settings survive a round trip, bad files, bad values and a crash while saving; an
entered API key never reaches the settings file."""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from gemini_desk.app.endpoints import Endpoints
from gemini_desk.core.events import SessionState
from gemini_desk.core.settings import DEFAULT_MODEL, VOICES, Settings, SettingsStore
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.live.config import Endpoint
from gemini_desk.platform.keystore import KeyStore

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg" / "settings.json")
    s = Settings(model="gemini-live-2.5-flash-preview", voice="Kore", input_device="USB Mic")
    store.save(s)
    assert store.load() == s


def test_missing_and_corrupt_files_give_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert SettingsStore(path).load() == Settings()
    path.write_text("{not json")
    assert SettingsStore(path).load() == Settings()
    path.write_text("[1, 2]")
    assert SettingsStore(path).load() == Settings()


def test_wrong_types_and_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"model": 7, "voice": "Nobody", "future": 1, "output_device": "X"}))
    s = SettingsStore(path).load()
    assert s.model == DEFAULT_MODEL
    assert s.voice == VOICES[0]
    assert s.output_device == "X"


def test_model_prefix_is_stripped() -> None:
    assert Settings(model=" models/foo ").validated().model == "foo"


def test_saving_replaces_the_file_and_leaves_no_temp_files(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    for voice in VOICES:
        store.save(Settings(voice=voice))
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert store.load().voice == VOICES[-1]


class Crash(Exception):
    """Stands in for the process dying at that point."""


_real_write = os.write


def _half_written(fd: int, data: bytes) -> int:
    _real_write(fd, bytes(data)[:40])
    raise Crash


def _crash(*args: object, **kw: object) -> None:
    raise Crash


@pytest.mark.parametrize(
    ("where", "replacement"),
    [("os.write", _half_written), ("os.fsync", _crash), ("os.replace", _crash)],
    ids=["while writing", "before the data is on disk", "before the rename"],
)
def test_a_save_that_fails_midway_keeps_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, replacement: object
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(voice="Kore", input_device="USB Mic"))
    before = store.path.read_bytes()
    module, name = where.split(".")
    monkeypatch.setattr({"json": json, "os": os}[module], name, replacement)
    with pytest.raises(Crash):
        store.save(Settings(voice="Puck", input_device="Other"))
    monkeypatch.undo()
    assert store.path.read_bytes() == before, "the old settings file was touched"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"], "a temp file was left"
    assert store.load() == Settings(voice="Kore", input_device="USB Mic")


KILLED_WHILE_SAVING = """
import os, signal, sys
from pathlib import Path
from gemini_desk.core.settings import Settings, SettingsStore
store = SettingsStore(Path(sys.argv[1]))
real_fsync = os.fsync
def die(fd):  # the new file is written, not yet renamed: the power goes out
    real_fsync(fd)
    os.kill(os.getpid(), signal.SIGKILL)
os.fsync = die
store.save(Settings(voice="Puck"))
"""


def test_a_process_killed_while_saving_leaves_the_old_settings(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(voice="Kore"))
    before = store.path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_SAVING, str(store.path)], cwd=ROOT, timeout=60
    )
    assert done.returncode == -signal.SIGKILL, "the child must die in the middle of save()"
    assert store.path.read_bytes() == before
    assert store.load().voice == "Kore"
    # A real crash cannot clean up: the half-done temp file stays beside it, unread.
    leftovers = [p for p in tmp_path.iterdir() if p.name != "settings.json"]
    assert all(p.name.startswith(".settings-") for p in leftovers), leftovers


class FakeConversation:
    def __init__(self) -> None:
        self.state = SessionState.DISCONNECTED
        self.endpoint: Endpoint | None = None

    async def disconnect(self) -> None:
        pass

    def connect(self) -> None:
        pass


class FakeView:
    def set_demo_mode(self, demo: bool) -> None:
        pass


class FakeModelWiring:
    def __init__(self, conversation: FakeConversation) -> None:
        self.conversation = conversation

    def use_endpoint(self, endpoint: Endpoint) -> None:
        self.conversation.endpoint = endpoint


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """As on a headless Linux box: the entered key is kept in memory only."""
    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(old)


def test_an_entered_key_is_used_but_never_reaches_the_settings_file(
    tmp_path: Path, no_keyring: None
) -> None:
    key = "AIza" + "Sy0123456789-abcdefghij_KLMNOPQRS"
    store = SettingsStore(tmp_path / "config" / "settings.json")
    store.save(Settings(demo_chosen=True))
    settings = SettingsModel(store.load(), save=store.save)
    keys = KeyStore(env={})
    conversation = FakeConversation()
    args = argparse.Namespace(demo=False, base_url=None, connect=False)
    wiring = FakeModelWiring(conversation)
    endpoints = Endpoints(args, keys, settings, conversation, FakeView(), wiring)  # type: ignore[arg-type]

    async def enter_key() -> None:
        endpoints.key_entered(key)
        pending = asyncio.all_tasks() - {asyncio.current_task()}
        await asyncio.wait_for(asyncio.gather(*pending), 10)

    asyncio.run(enter_key())
    # The key was taken and used, and the settings were saved on the way...
    stored = keys.get()
    assert stored is not None and stored.key == key
    assert conversation.endpoint is not None and conversation.endpoint.api_key == key
    assert json.loads(store.path.read_text())["demo_chosen"] is False
    # ...and no file in the config folder holds it, whole or in part.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert key not in text and key[4:20] not in text, path
