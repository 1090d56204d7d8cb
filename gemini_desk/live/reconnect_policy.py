"""The reconnect machine's policy: how long to wait, what counts as planned, which
errors need the user, and the words (message ids) for each wait."""

from __future__ import annotations

from gemini_desk.core.events import ErrorKind
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.messages import message

# Show "reconnecting" only when a hand-over or reconnect takes longer than this.
RECONNECTING_GRACE_S = 0.3
# The service keeps resumption handles for about two hours after a session ends.
HANDLE_TTL_S = 2 * 60 * 60
QUOTA_WAIT_S = 30.0
# A connection that lasted this long was healthy: backoff starts over after it drops.
# One the service replaced sooner (goAway, age limit) was no hand-over but a failure.
STABLE_S = 5.0

FRESH_SESSION = message(M.FRESH_SESSION)
WAIT_TEXT = {
    ErrorKind.NETWORK: M.RETRY_NETWORK,
    ErrorKind.SERVER: M.RETRY_SERVER,
    ErrorKind.QUOTA: M.RETRY_QUOTA,
    ErrorKind.PROTOCOL: M.RETRY_LOST,
}
# A network failure's own wait, by its cause (refused, DNS, TLS; offline is RETRY_NETWORK).
WAIT_BY_CAUSE = {
    M.CONNECTION_REFUSED: M.RETRY_REFUSED,
    M.HOST_NOT_FOUND: M.RETRY_DNS,
    M.TLS_FAILED: M.RETRY_TLS,
}
NEEDS_USER = (ErrorKind.BAD_KEY, ErrorKind.UNKNOWN_MODEL, ErrorKind.REJECTED_SETTING)
TRANSIENT = (ErrorKind.NETWORK, ErrorKind.SERVER, ErrorKind.QUOTA, ErrorKind.SESSION_LIMIT)
# Gaps the service planned: the backoff starts over once the next connection is ready.
PLANNED = ("go_away", "deadline", "setup")
SHORT_LIVED = "short_lived"  # a hand-over too soon after the setup: waits like a failure
