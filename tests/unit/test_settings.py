"""Settings survive a round trip, bad files and bad values."""

import json
from pathlib import Path

from gemini_desk.core.settings import DEFAULT_MODEL, VOICES, Settings, SettingsStore


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


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    for voice in VOICES:
        store.save(Settings(voice=voice))
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert store.load().voice == VOICES[-1]


def test_settings_never_hold_an_api_key(tmp_path: Path) -> None:
    secretish = ("api_key", "apikey", "secret", "password", "credential")
    assert not any(word in name.lower() for name in Settings().to_dict() for word in secretish)
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings())
    assert "AIza" not in store.path.read_text()
