"""When to tell the user that the desktop gives no global keys (sans-I/O).

Without the GlobalShortcuts portal (or when the desktop refuses it) the talk key works
only in the app's window, and ``gemini-desk --ptt`` must be bound by hand. That matters
in push-to-talk (hold or toggle); hands-free needs no key. So the user is told when
push-to-talk is on, and once per *situation*: the portal missing, or refused for the
keys asked. What was told is kept in settings (:class:`Remember`), so the next launch
stays quiet until the situation changes: other keys refused, or the keys working once
(then a later failure is news again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gemini_desk.core.messages import Message, MessageId, message

__all__ = ["Command", "PortalNotice", "Remember", "Tell", "situation"]


@dataclass(frozen=True, slots=True)
class Tell:
    """Show this to the user."""

    message: Message


@dataclass(frozen=True, slots=True)
class Remember:
    """Keep ``told`` in settings ("" forgets)."""

    told: str


Command = Tell | Remember


def situation(reason: str, triggers: Sequence[str]) -> str:
    """``"missing"``, or ``"refused:"`` with the keys asked (new keys, a new refusal)."""
    return "missing" if reason == "missing" else f"refused:{','.join(triggers)}"


class PortalNotice:
    """Feed it the portal's outcomes and the talk mode; it says what to show and keep.

    ``told``: what the settings say was told before; ``push_to_talk``: the talk mode.
    """

    def __init__(self, told: str, push_to_talk: bool) -> None:
        self.told = told
        self.push_to_talk = push_to_talk
        self.current: str | None = None  # the situation now (None: keys work, or unknown)

    def fallback(self, reason: str, triggers: Sequence[str]) -> list[Command]:
        """The portal is missing or refused the keys ``triggers``."""
        self.current = situation(reason, triggers)
        return self._check()

    def available(self) -> list[Command]:
        """The keys are bound: a later failure is news again."""
        self.current = None
        if not self.told:
            return []
        self.told = ""
        return [Remember("")]

    def talk_mode(self, push_to_talk: bool) -> list[Command]:
        self.push_to_talk = push_to_talk
        return self._check()

    def _check(self) -> list[Command]:
        current = self.current
        if current is None or not self.push_to_talk or current == self.told:
            return []
        self.told = current
        which = (
            MessageId.SHORTCUTS_PORTAL_MISSING
            if current == "missing"
            else MessageId.SHORTCUTS_REFUSED
        )
        return [Tell(message(which)), Remember(current)]
