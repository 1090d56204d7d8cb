"""SettingsModel: the one owner of the settings; validated, saved, told per field."""

from __future__ import annotations

import dataclasses

import pytest

from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.models import DEFAULT_MODEL
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.core.settings_model import FIELDS, SettingsModel, changed_fields


class Recorder:
    """Every save, and every (observer, changed fields) call, in order."""

    def __init__(self) -> None:
        self.saved: list[Settings] = []
        self.calls: list[tuple[str, frozenset[str]]] = []

    def observer(self, name: str):  # type: ignore[no-untyped-def]
        def observe(old: Settings, new: Settings) -> None:
            self.calls.append((name, changed_fields(old, new)))

        return observe


def test_each_observer_hears_only_of_its_fields() -> None:
    rec = Recorder()
    model = SettingsModel(Settings(), save=rec.saved.append)
    model.subscribe(("model", "voice"), rec.observer("session"))
    model.subscribe(("input_device", "output_device"), rec.observer("devices"))
    model.subscribe(("talk_mode",), rec.observer("talk"))

    model.update(voice="Kore")
    model.update(input_device="USB mic", talk_mode="push_to_talk")
    model.update(headphones=True)
    model.replace(dataclasses.replace(model.current, model="gemini-other-live", voice="Puck"))

    assert rec.calls == [
        ("session", frozenset({"voice"})),
        ("devices", frozenset({"input_device", "talk_mode"})),
        ("talk", frozenset({"input_device", "talk_mode"})),
        ("session", frozenset({"model", "voice"})),
    ]
    assert [s.voice for s in rec.saved] == ["Kore", "Kore", "Kore", "Puck"]
    assert rec.saved[-1] is model.current and model.current.headphones


def test_no_change_is_stored_but_told_to_nobody() -> None:
    """Writing what is already in force (OK in an unchanged dialog) stores the settings
    (this run's --mic, say) and calls no observer."""
    rec = Recorder()
    model = SettingsModel(Settings(voice="Kore"), save=rec.saved.append)
    first = model.current
    model.subscribe(FIELDS, rec.observer("all"))
    model.update(voice="Kore")
    model.replace(Settings(voice="Kore"))
    assert rec.saved == [first, first] and rec.calls == []
    assert model.current is first


def test_changes_are_validated_before_anyone_sees_them() -> None:
    rec = Recorder()
    model = SettingsModel(Settings(talk_mode="shouting", ptt_max_hold_s=1), save=rec.saved.append)
    assert model.current.talk_mode == "hands_free" and model.current.ptt_max_hold_s == 5
    model.subscribe(("model", "preroll_ms"), rec.observer("m"))
    model.update(model="", preroll_ms=99_999)
    assert (model.current.model, model.current.preroll_ms) == (DEFAULT_MODEL, 1000)
    assert rec.saved == [model.current]
    model.update(preroll_ms=5000)  # clamps to the same value: nothing changed
    assert rec.calls == [("m", frozenset({"preroll_ms"}))]


def test_unknown_fields_are_refused() -> None:
    model = SettingsModel(Settings())
    with pytest.raises(ValueError, match="no such setting: volume"):
        model.update(volume=11)
    with pytest.raises(ValueError, match="volume"):
        model.subscribe(("model", "volume"), lambda old, new: None)
    with pytest.raises(ValueError):
        model.subscribe((), lambda old, new: None)


def test_a_change_that_cannot_be_saved_still_happens_and_is_told_once() -> None:
    """Issue 18 (finding 4): saving is never in the way of a change or of shutdown."""

    def fail(settings: Settings) -> None:
        raise OSError(28, "No space left on device")

    rec = Recorder()
    told: list[Message] = []
    model = SettingsModel(Settings(), save=fail, on_save_error=told.append)
    model.subscribe(("voice",), rec.observer("voice"))
    model.update(voice="Kore")
    model.update(voice="Puck")
    assert model.current.voice == "Puck"
    assert rec.calls == [("voice", frozenset({"voice"}))] * 2
    assert told == [message(MessageId.SETTINGS_NOT_SAVED, "No space left on device.")]


def test_a_change_made_by_an_observer_reaches_everyone_in_order() -> None:
    """An observer that writes (model wiring drops a thinking level) does not make later
    observers hear the changes out of order."""
    model = SettingsModel(Settings())
    seen: list[tuple[str, str, str]] = []

    def first(old: Settings, new: Settings) -> None:
        seen.append(("first", old.model, new.model))
        if new.model == "gemini-a":
            model.update(model="gemini-b")

    model.subscribe(("model",), first)
    model.subscribe(("model",), lambda old, new: seen.append(("second", old.model, new.model)))
    model.update(model="gemini-a")
    assert seen == [
        ("first", DEFAULT_MODEL, "gemini-a"),
        ("second", DEFAULT_MODEL, "gemini-a"),
        ("first", "gemini-a", "gemini-b"),
        ("second", "gemini-a", "gemini-b"),
    ]
    assert model.current.model == "gemini-b"


def test_unsubscribe_stops_the_calls() -> None:
    rec = Recorder()
    model = SettingsModel(Settings())
    stop = model.subscribe(("voice",), rec.observer("voice"))
    model.update(voice="Kore")
    stop()
    stop()  # twice is harmless
    model.update(voice="Puck")
    assert rec.calls == [("voice", frozenset({"voice"}))]


def test_saves_through_the_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = SettingsStore(tmp_path / "settings.json")
    model = SettingsModel(store.load(), save=store.save)
    model.update(talk_mode="push_to_talk", share_last_region="10,20,300,200")
    again = store.load()
    assert again.talk_mode == "push_to_talk" and again.share_last_region == "10,20,300,200"
