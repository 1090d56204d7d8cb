"""What a ``turnCompleteReason`` means for the person: was the answer blocked, and why."""

from __future__ import annotations

import enum


class BlockedBy(enum.Enum):
    """Why an answer was withheld; the UI puts each into words."""

    INPUT = "input"  # what the user said or showed is not allowed
    OUTPUT = "output"  # the answer failed the service's safety checks
    REJECTED = "rejected"  # the model declined to answer
    TOOL_CALL = "tool_call"  # the model made a malformed tool call
    OTHER = "other"  # a reason this version does not know yet


# Reasons that are not a block: the turn simply ended.
_NOT_BLOCKED = frozenset({"", "TURN_COMPLETE_REASON_UNSPECIFIED", "NEED_MORE_INPUT"})
_REJECTED = frozenset({"RESPONSE_REJECTED", "MAX_REGENERATION_REACHED"})


def blocked_by(reason: str) -> BlockedBy | None:
    """None when ``reason`` does not mean a withheld answer."""
    reason = reason.strip().upper()
    if reason in _NOT_BLOCKED:
        return None
    if reason in _REJECTED:
        return BlockedBy.REJECTED
    if reason == "MALFORMED_FUNCTION_CALL":
        return BlockedBy.TOOL_CALL
    if reason.startswith(("PROHIBITED_INPUT", "IMAGE_PROHIBITED_INPUT", "INPUT_")) or (
        reason in ("BLOCKLIST", "UNSAFE_PROMPT_FOR_IMAGE_GENERATION")
    ):
        return BlockedBy.INPUT
    if reason.startswith(("GENERATED_", "OUTPUT_")):
        return BlockedBy.OUTPUT
    return BlockedBy.OTHER
