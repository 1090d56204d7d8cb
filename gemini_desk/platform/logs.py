"""Logging: named loggers, a rotating file in the user's log folder (0600 files in a
0700 folder), secrets redacted."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
from pathlib import Path

from gemini_desk.core.private_files import FILE_MODE, open_private, private_dir, tighten

_KEY_PATTERNS = (
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"(?i)(x-goog-api-key['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"),
    re.compile(r"(?i)([?&]key=)[^&\s'\"]+"),
)


class RedactingFilter(logging.Filter):
    """Replaces API keys (known ones and anything shaped like one) with ``[REDACTED]``."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add_secret(self, secret: str) -> None:
        if len(secret) >= 6:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        for pattern in _KEY_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[REDACTED]", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


REDACTOR = RedactingFilter()
LOG_NAME = "gemini-desk.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the current one and each new one after a
    rotation) is created 0600, whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = open_private(Path(self.baseFilename), os.O_WRONLY | os.O_APPEND)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(log_dir: Path, level: str = "INFO") -> Path:
    """Console and rotating-file logging; returns the log file's path."""
    private_dir(log_dir)
    for old in log_dir.glob(LOG_NAME + "*"):  # written by a version that did not care
        tighten(old, FILE_MODE)
    log_file = log_dir / LOG_NAME
    fmt = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    file_handler = PrivateRotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    console = logging.StreamHandler()
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in (file_handler, console):
        handler.setFormatter(fmt)
        handler.addFilter(REDACTOR)
        root.addHandler(handler)
    # The SDK and websockets are chatty at DEBUG and may echo headers.
    for noisy in ("websockets", "google_genai", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, root.level))
    # Request URLs (which may carry a token) and MCP's per-message chatter stay out.
    for chatty in ("httpx2", "mcp"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    return log_file
