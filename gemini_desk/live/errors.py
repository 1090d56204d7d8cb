"""Turns exceptions from the SDK and the network into SessionErrors a person can act on."""

from __future__ import annotations

import errno
import socket
import ssl

from google.genai import errors as genai_errors
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from gemini_desk.core.events import ErrorKind, SessionError
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M

BAD_KEY = message(M.BAD_KEY)
QUOTA = message(M.QUOTA)
SERVER = message(M.SERVER_ERROR)
NETWORK = message(M.NETWORK_UNREACHABLE)
DROPPED = message(M.CONNECTION_LOST)
REFUSED = message(M.CONNECTION_REFUSED)
HOST_NOT_FOUND = message(M.HOST_NOT_FOUND)
TLS_FAILED = message(M.TLS_FAILED)
SESSION_LIMIT = message(M.SESSION_LIMIT)
BAD_FRAMES = message(M.BAD_FRAMES)
# The log and an error's detail keep at most this much of what the service sent.
DETAIL_CHARS = 200


def prefix(text: str, limit: int = DETAIL_CHARS) -> str:
    """``text`` cut to ``limit`` characters (with the length it had), for a log line."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class SetupTimeout(Exception):
    """The service did not complete the connection setup within ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no setup reply within {seconds:g} s")
        self.seconds = seconds


class BadFrames(Exception):
    """The service sent data the SDK could not read: too many frames in a row, or the
    setup reply. Retryable: the next connection resumes the session."""


def _close_code_error(code: int, reason: str, model: str) -> SessionError:
    detail = f"close {code}: {reason}"
    lowered = reason.lower()
    # A refused key: 1007 ("API key not valid / expired / not found") or 1008 on the
    # websocket, 400/401/403 over REST. Checked first: "API Key not found" is no model.
    if code in (400, 401, 403, 1007, 1008) and (
        "api key" in lowered or "permission" in lowered or "auth" in lowered
    ):
        return SessionError(ErrorKind.BAD_KEY, BAD_KEY, detail)
    # A retired or misspelt model: 1008 "models/X is not found ..." (1007 in the past).
    if code in (1007, 1008, 404) and (
        "not found" in lowered or "not supported for bidigeneratecontent" in lowered
    ):
        return SessionError(ErrorKind.UNKNOWN_MODEL, message(M.UNKNOWN_MODEL, model), detail)
    if code == 1011 and "deadline expired" in lowered:
        # Connections end at a fixed age (~58 min seen on 3.8): resume, do not alarm.
        return SessionError(ErrorKind.SESSION_LIMIT, SESSION_LIMIT, detail, retryable=True)
    if code == 1007 and reason:
        return SessionError(ErrorKind.REJECTED_SETTING, message(M.REJECTED_SETTING, reason), detail)
    # Quota first: the service reports it with 1011 (and a reason that says so).
    if code == 429 or any(w in lowered for w in ("quota", "resource_exhausted", "rate limit")):
        return SessionError(ErrorKind.QUOTA, QUOTA, detail, retryable=True)
    if code == 1011 or 500 <= code < 600:
        return SessionError(ErrorKind.SERVER, SERVER, detail, retryable=True)
    if code in (1006, 1001):
        return SessionError(ErrorKind.NETWORK, DROPPED, detail, retryable=True)
    if code == 1008:
        return SessionError(ErrorKind.BAD_KEY, BAD_KEY, detail)
    return SessionError(
        ErrorKind.PROTOCOL,
        message(M.SERVICE_ENDED, reason or str(code)),
        detail,
        retryable=True,
    )


# The errno values that mean "this computer has no route to the service": offline.
_OFFLINE = {errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTUNREACH}


def _network_cause(exc: BaseException) -> Message:
    """Which network failure ``exc`` is: refused, DNS, TLS, offline, or another drop."""
    if isinstance(exc, ConnectionRefusedError):
        return REFUSED
    if isinstance(exc, socket.gaierror):
        # EAI_AGAIN: no name server answered (typically offline); else the name is unknown.
        return NETWORK if exc.errno == socket.EAI_AGAIN else HOST_NOT_FOUND
    if isinstance(exc, ssl.SSLError):
        return TLS_FAILED
    if isinstance(exc, OSError) and exc.errno in _OFFLINE:
        return NETWORK
    return NETWORK


def classify(exc: BaseException, model: str = "") -> SessionError:
    """The SessionError a person should see for ``exc``; ``detail`` goes to the log only."""
    if isinstance(exc, SetupTimeout):
        said = message(M.SETUP_TIMEOUT, max(1, round(exc.seconds)))
        return SessionError(ErrorKind.SERVER, said, str(exc), retryable=True)
    if isinstance(exc, BadFrames):
        # A service fault like a 1011 (transient: a resumed connection keeps its handle).
        return SessionError(ErrorKind.SERVER, BAD_FRAMES, prefix(str(exc)), retryable=True)
    if isinstance(exc, genai_errors.APIError):
        reason = exc.message or (exc.details if isinstance(exc.details, str) else "") or ""
        return _close_code_error(int(exc.code or 0), str(reason), model)
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        if status in (401, 403):
            return SessionError(ErrorKind.BAD_KEY, BAD_KEY, f"HTTP {status}")
        if status == 404:
            return SessionError(
                ErrorKind.UNKNOWN_MODEL, message(M.UNKNOWN_MODEL, model), f"HTTP {status}"
            )
        if status == 429:
            return SessionError(ErrorKind.QUOTA, QUOTA, f"HTTP {status}", retryable=True)
        return SessionError(ErrorKind.SERVER, SERVER, f"HTTP {status}", retryable=True)
    if isinstance(exc, ConnectionClosed):
        code = exc.rcvd.code if exc.rcvd else 1006
        reason = exc.rcvd.reason if exc.rcvd else ""
        return _close_code_error(code, reason, model)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SessionError(
            ErrorKind.NETWORK,
            message(M.TLS_UNVERIFIED, exc.verify_message or "certificate"),
            repr(exc),
        )
    if isinstance(exc, OSError | InvalidHandshake | TimeoutError | EOFError):
        return SessionError(ErrorKind.NETWORK, _network_cause(exc), repr(exc), retryable=True)
    return SessionError(ErrorKind.PROTOCOL, message(M.UNEXPECTED), prefix(repr(exc)))
