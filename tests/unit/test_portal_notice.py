"""When the user hears that the desktop gives no global talk key: literal inputs."""

from __future__ import annotations

from gemini_desk.core.messages import MessageId, message
from gemini_desk.hotkeys.portal_notice import PortalNotice, Remember, Tell, situation

KEYS = ("CTRL+ALT+space", "CTRL+ALT+m")
MISSING = Tell(message(MessageId.SHORTCUTS_PORTAL_MISSING))
REFUSED = Tell(message(MessageId.SHORTCUTS_REFUSED))


def test_situations_name_the_reason_and_for_a_refusal_the_keys() -> None:
    assert situation("missing", KEYS) == "missing"
    assert situation("missing", ("F8",)) == "missing", "new keys bring no portal"
    assert situation("refused", KEYS) == "refused:CTRL+ALT+space,CTRL+ALT+m"
    assert situation("refused", ("F8", "CTRL+ALT+m")) == "refused:F8,CTRL+ALT+m"


def test_hands_free_hears_nothing_until_push_to_talk_is_chosen() -> None:
    notice = PortalNotice(told="", push_to_talk=False)
    assert notice.fallback("missing", KEYS) == []
    assert notice.talk_mode(push_to_talk=False) == []
    assert notice.talk_mode(push_to_talk=True) == [MISSING, Remember("missing")]
    assert notice.talk_mode(push_to_talk=False) == []
    assert notice.talk_mode(push_to_talk=True) == [], "once"


def test_push_to_talk_hears_it_at_once_and_never_again_for_the_same_situation() -> None:
    notice = PortalNotice(told="", push_to_talk=True)
    assert notice.fallback("missing", KEYS) == [MISSING, Remember("missing")]
    assert notice.fallback("missing", ("F8", "CTRL+ALT+m")) == []
    # The next run remembers what was told.
    later = PortalNotice(told="missing", push_to_talk=True)
    assert later.fallback("missing", KEYS) == []


def test_a_refusal_after_new_keys_is_told_again() -> None:
    notice = PortalNotice(told="", push_to_talk=True)
    first = situation("refused", KEYS)
    assert notice.fallback("refused", KEYS) == [REFUSED, Remember(first)]
    assert notice.fallback("refused", KEYS) == [], "the same keys refused again"
    again = ("F8", "CTRL+ALT+m")
    assert notice.fallback("refused", again) == [REFUSED, Remember(situation("refused", again))]
    # Missing after refused is another situation too.
    assert notice.fallback("missing", again) == [MISSING, Remember("missing")]


def test_working_keys_forget_what_was_told_so_a_new_failure_is_told() -> None:
    notice = PortalNotice(told="missing", push_to_talk=True)
    assert notice.available() == [Remember("")]
    assert notice.available() == [], "nothing more to forget"
    assert notice.fallback("missing", KEYS) == [MISSING, Remember("missing")]
    fresh = PortalNotice(told="", push_to_talk=False)
    assert fresh.available() == []


def test_a_failure_that_was_resolved_before_push_to_talk_is_not_told() -> None:
    notice = PortalNotice(told="", push_to_talk=False)
    notice.fallback("refused", KEYS)
    assert notice.available() == []
    assert notice.talk_mode(push_to_talk=True) == []
