"""The one owner of the settings: every change is validated, saved, and told to the
observers of the fields that changed. A save that fails never stops a change."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.observable import Observable, Unsubscribe
from gemini_desk.core.serial_writer import SerialWriter
from gemini_desk.core.settings import Settings

__all__ = ["FIELDS", "SettingsModel", "SettingsObserver", "changed_fields"]

FIELDS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(Settings))
SettingsObserver = Callable[[Settings, Settings], None]  # called with (old, new)
SaveErrorHandler = Callable[[Message], None]

log = logging.getLogger("gemini_desk.settings")
_SAVE_KEY = "settings"  # queued saves replace each other: only the newest is written


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

    Saving never gets in the way: a change takes effect even when it cannot be stored,
    and nothing is raised. The first failure is told to ``on_save_error`` as a
    SETTINGS_NOT_SAVED message (again only after a save has worked since). With a
    ``writer``, saves (and their fsync) run on its thread in order, a queued save is
    replaced by a newer one, ``on_save_error`` is called there (the caller moves it to
    its own thread), and :meth:`flush` waits for them (bounded).
    """

    def __init__(
        self,
        initial: Settings,
        save: Callable[[Settings], None] | None = None,
        on_save_error: SaveErrorHandler | None = None,
        writer: SerialWriter | None = None,
    ) -> None:
        self._value = Observable(initial.validated())
        self._save = save
        # Public: the app may set it once its window exists.
        self.on_save_error = on_save_error
        self._writer = writer
        self._failing = False  # the last save failed (and that was told)
        self._lock = threading.Lock()

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

        The save is started (or queued) before the observers hear of it, so a change an
        observer makes in turn is stored after this one."""
        new = new.validated()
        if new == self.current:
            new = self.current  # nothing changes: stored again, nobody is told
        if self._save is not None:
            save = self._save
            if self._writer is None:
                self._save_reporting(save, new)
            else:
                self._writer.submit(lambda: self._save_reporting(save, new), key=_SAVE_KEY)
        self._value.set(new)
        return new

    def flush(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until every change is stored or has failed;
        False if the time ran out (call at shutdown)."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def _save_reporting(self, save: Callable[[Settings], None], settings: Settings) -> None:
        try:
            save(settings)
        except Exception as exc:  # nothing about saving may stop a change or a shutdown
            with self._lock:
                first, self._failing = not self._failing, True
            if not first:
                log.info("settings still not saved: %r", exc)
                return
            log.warning("settings not saved: %r", exc)
            if self.on_save_error is not None:
                self.on_save_error(message(MessageId.SETTINGS_NOT_SAVED, _reason(exc)))
        else:
            with self._lock:
                self._failing = False

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


def _reason(exc: BaseException) -> str:
    """The OS's own words for a failed save ("No space left on device.")."""
    text = (exc.strerror if isinstance(exc, OSError) else None) or str(exc).strip()
    text = text or type(exc).__name__
    return text if text.endswith(".") else text + "."
