"""The one owner of the settings: every change is validated, saved, and told to the
observers of the fields that changed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from gemini_desk.core.observable import Observable, Unsubscribe
from gemini_desk.core.settings import Settings

__all__ = ["FIELDS", "SettingsModel", "SettingsObserver", "changed_fields"]

FIELDS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(Settings))
SettingsObserver = Callable[[Settings, Settings], None]  # called with (old, new)


def changed_fields(old: Settings, new: Settings) -> frozenset[str]:
    """The names of the fields whose values differ between ``old`` and ``new``."""
    return frozenset(name for name in FIELDS if getattr(old, name) != getattr(new, name))


class SettingsModel:
    """Holds the current :class:`Settings`; the only way to change them.

    ``current`` is read-only by agreement (a Settings object is never changed in
    place): :meth:`update` and :meth:`replace` make a new one, validate it, store it
    through ``save`` and then call the observers of the fields that changed with
    ``(old, new)``. Every write is stored (the settings file then holds what is in
    force, this run's command-line choices included), but only a change is told.
    Runs on one thread (the event loop's).
    """

    def __init__(self, initial: Settings, save: Callable[[Settings], None] | None = None) -> None:
        self._value = Observable(initial.validated())
        self._save = save

    @property
    def current(self) -> Settings:
        return self._value.value

    def update(self, **changes: Any) -> Settings:
        """Change the named fields (``update(talk_mode="push_to_talk")``); returns the
        settings now in force."""
        unknown = set(changes) - FIELDS
        if unknown:
            raise ValueError(f"no such setting: {', '.join(sorted(unknown))}")
        return self.replace(dataclasses.replace(self.current, **changes))

    def replace(self, new: Settings) -> Settings:
        """Make ``new`` (validated) the settings; returns the settings now in force.

        They are saved first: settings that cannot be stored do not take effect.
        """
        new = new.validated()
        if new == self.current:
            new = self.current  # nothing changes: stored again, nobody is told
        if self._save is not None:
            self._save(new)
        self._value.set(new)
        return new

    def subscribe(self, fields: Iterable[str], observer: SettingsObserver) -> Unsubscribe:
        """Call ``observer(old, new)`` when any of ``fields`` changes; returns the
        function that stops it."""
        names = frozenset(fields)
        unknown = names - FIELDS
        if not names or unknown:
            raise ValueError(f"cannot observe settings {sorted(unknown) or 'none'}")

        def on_change(old: Settings, new: Settings) -> None:
            if any(getattr(old, name) != getattr(new, name) for name in names):
                observer(old, new)

        return self._value.subscribe(on_change)
