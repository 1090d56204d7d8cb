"""The machine's local time and its IANA time zone, in pure Python (no tzlocal)."""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from gemini_desk.core.tools import ToolResult

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MARKER = "zoneinfo/"


def _key_from_path(path: str) -> str:
    """``/usr/share/zoneinfo/Europe/Berlin`` -> ``Europe/Berlin`` ("" if not such a path)."""
    at = path.rfind(_MARKER)
    if at < 0:
        return ""
    key = path[at + len(_MARKER) :]
    for variant in ("posix/", "right/"):
        key = key.removeprefix(variant)
    return key


def _valid(key: str) -> str:
    """``key`` if it names a zone this Python knows, else ""."""
    key = key.strip()
    if not key or key.startswith("/") or ".." in key:
        return ""
    try:
        zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return ""
    return key


def local_zone_name(
    environ: Mapping[str, str] | None = None,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
) -> str:
    """The IANA name of this machine's time zone ("Europe/Berlin"), "" when unknown:
    from ``TZ`` when set, else where ``/etc/localtime`` points, else ``/etc/timezone``."""
    env = os.environ if environ is None else environ
    tz = env.get("TZ", "").removeprefix(":")
    if tz:  # TZ rules this process's local time; a POSIX rule string names no zone
        return _valid(_key_from_path(tz) if tz.startswith("/") else tz)
    try:
        if localtime.is_symlink() and (key := _valid(_key_from_path(os.path.realpath(localtime)))):
            return key
        return _valid(timezone_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def now_here() -> datetime:
    """The current time, aware, in this machine's zone (a ZoneInfo when it is known)."""
    zone = local_zone_name()
    if zone:
        return datetime.now(zoneinfo.ZoneInfo(zone))
    return datetime.now().astimezone()


def current_time(moment: datetime) -> ToolResult:
    """The ``get_current_time`` result for the aware ``moment``: with its IANA zone when
    it has one, else the zone's abbreviation and offset."""
    offset = _offset(moment)
    tzinfo = moment.tzinfo
    zone = tzinfo.key if isinstance(tzinfo, zoneinfo.ZoneInfo) else ""
    zone = zone or moment.tzname() or f"UTC{offset}"
    weekday = WEEKDAYS[moment.weekday()]
    data: dict[str, Any] = {
        "date": moment.strftime("%Y-%m-%d"),
        "time": moment.strftime("%H:%M:%S"),
        "weekday": weekday,
        "time_zone": zone,
        "utc_offset": offset,
        "iso": moment.isoformat(timespec="seconds"),
    }
    when = f"{weekday}, {moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    message = (
        f"It is {moment:%H:%M} on {when}, on the user's computer (time zone {zone}, UTC{offset})."
    )
    return ToolResult("ok", message, data=data)
