"""The API key: from the environment, the OS keyring, or memory only. Never a plain file."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M

log = logging.getLogger("gemini_desk.keystore")

SERVICE = "gemini-desk"
ACCOUNT = "gemini-api-key"
ENV_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")


@dataclass(frozen=True, slots=True)
class StoredKey:
    key: str
    source: str  # "GEMINI_API_KEY", "GOOGLE_API_KEY", "keyring" or "memory"

    def __repr__(self) -> str:
        return f"StoredKey(source={self.source!r})"


class KeyStore:
    """Finds and keeps the API key.

    Environment variables override the keyring. With no usable keyring (headless Linux
    has none) the key is kept in memory only, for this run, and ``where`` says so.
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env
        self._memory: str | None = None
        self._keyring_ok = True

    def get(self) -> StoredKey | None:
        for var in ENV_VARS:
            value = self._env.get(var, "").strip()
            if value:
                return StoredKey(value, var)
        if self._memory:
            return StoredKey(self._memory, "memory")
        if not _keyring_available():
            return None
        try:
            stored = _keyring().get_password(SERVICE, ACCOUNT)
        except _errors() as exc:
            self._keyring_ok = False
            log.info("no usable keyring: %s", type(exc).__name__)
            return None
        return StoredKey(stored, "keyring") if stored else None

    def set(self, key: str) -> str:
        """Keep ``key``; returns where it went ("keyring" or "memory")."""
        key = key.strip()
        if not _keyring_available():
            log.info("no secure keyring; the key is kept in memory only")
            self._keyring_ok = False
            self._memory = key
            return "memory"
        try:
            _keyring().set_password(SERVICE, ACCOUNT, key)
        except _errors() as exc:
            self._keyring_ok = False
            log.warning("keyring unavailable (%s); key kept in memory only", type(exc).__name__)
            self._memory = key
            return "memory"
        self._memory = None
        return "keyring"

    def delete(self) -> None:
        self._memory = None
        with contextlib.suppress(*_errors()):
            _keyring().delete_password(SERVICE, ACCOUNT)

    def where(self) -> Message:
        """Where a new key will be kept (for the UI)."""
        stored = self.get()
        if stored is not None and stored.source in ENV_VARS:
            return message(M.KEY_FROM_ENV, stored.source)
        if self._keyring_ok and _keyring_available():
            return message(M.KEY_IN_KEYRING)
        return message(M.KEY_IN_MEMORY)


# Backends that write the secret to a file in plain text (or behind a password the app
# would have to ask for): the API key must never land there.
_INSECURE_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def _keyring() -> Any:
    """The keyring package, imported when first needed: finding its backends scans every
    installed package's entry points (~10 MB), which a key from the environment or the
    demo never needs."""
    import keyring

    return keyring


def _errors() -> tuple[type[Exception], ...]:
    from keyring.errors import KeyringError, NoKeyringError

    return (NoKeyringError, KeyringError, RuntimeError)


def _keyring_available() -> bool:
    """True when the keyring is a real OS secret store."""
    try:
        backend = _keyring().get_keyring()
    except Exception:
        return False
    backends = getattr(backend, "backends", None) or [backend]  # a ChainerBackend
    secure = [b for b in backends if not type(b).__module__.startswith(_INSECURE_MODULES)]
    return bool(secure) and getattr(backend, "priority", 0) > 0 and len(secure) == len(backends)
