"""Every wake-up source of the app's process, counted from inside and from the outside.

Used by ``bench.light_wakeups``. Three views, each a per-second rate over the same window:

- Qt events delivered on the GUI/loop thread, by event type and receiver (a ``QTimer``
  is named by its interval and its parent's class; qasync runs each asyncio callback as
  a zero-interval timer event on its own ``_SimpleTimer`` and each
  ``call_soon_threadsafe`` as a queued signal, a ``MetaCall`` event);
- asyncio callbacks run on the loop, by what they run (a task's steps by its name);
- every thread's voluntary context switches (``/proc/self/task/*/status``): one per
  sleep, so one per wake-up, whatever woke it (the outside view, overhead-free).
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

QT: dict[str, int] = defaultdict(int)
HANDLES: dict[str, int] = defaultdict(int)


def _callback_label(callback: Any) -> str:
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        name = getattr(coro, "__qualname__", type(coro).__name__)
        return f"task step: {owner.get_name()} ({name})"
    if isinstance(owner, asyncio.Future):
        return f"future callback: {getattr(callback, '__qualname__', callback)!s}"
    if isinstance(callback, functools.partial):
        return _callback_label(callback.func)
    return str(getattr(callback, "__qualname__", type(callback).__qualname__))


def instrument_asyncio() -> None:
    """Count each asyncio callback the loop runs, by what it runs."""
    original = asyncio.events.Handle._run

    def run(self: asyncio.Handle) -> None:
        HANDLES[_callback_label(self._callback)] += 1  # type: ignore[attr-defined]
        original(self)

    asyncio.events.Handle._run = run  # type: ignore[method-assign]


def install_qt_filter() -> Any:
    """An application-wide event filter counting timer, meta-call and socket events
    (call on the GUI thread once the QApplication exists; keep the returned object)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    kept = {
        QEvent.Type.Timer: "timer",
        QEvent.Type.MetaCall: "queued call",
        QEvent.Type.SockAct: "socket",
        QEvent.Type.UpdateRequest: "update request",
        QEvent.Type.Paint: "paint",
    }

    class Census(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            kind = kept.get(event.type())
            if kind is None:
                return False
            who = type(obj).__name__
            if isinstance(obj, QTimer):
                parent = obj.parent()
                owner = type(parent).__name__ if parent is not None else "no parent"
                who = f"QTimer {obj.interval()} ms of {owner}"
            QT[f"{kind}: {who}"] += 1
            return False

    census = Census()
    app = QCoreApplication.instance()
    assert app is not None
    app.installEventFilter(census)
    return census


def thread_switches() -> dict[str, tuple[int, float]]:
    """Per thread ("name tid"): voluntary context switches and CPU seconds so far."""
    import threading

    named = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, tuple[int, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        try:
            name = named.get(int(task.name)) or (task / "comm").read_text().strip()
            status = (task / "status").read_text()
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended
        switches = next(
            int(line.split()[1])
            for line in status.splitlines()
            if line.startswith("voluntary_ctxt_switches")
        )
        fields = stat.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        out[f"{name} {task.name}"] = (switches, cpu)
    return out


def rates(before: dict[str, int], after: dict[str, int], seconds: float) -> dict[str, float]:
    """Per-second rates of the counters that moved."""
    moved = {k: (after[k] - before.get(k, 0)) / seconds for k in after}
    return {k: v for k, v in moved.items() if v > 0}


def thread_rates(
    before: dict[str, tuple[int, float]], after: dict[str, tuple[int, float]], seconds: float
) -> dict[str, dict[str, float]]:
    """Wake-ups per second and per cent of a core, per thread alive at both ends."""
    out = {}
    for name, (sw, cpu) in after.items():
        if name in before:
            sw0, cpu0 = before[name]
            out[name] = {
                "wakeups_per_s": (sw - sw0) / seconds,
                "cpu_pct": 100 * (cpu - cpu0) / seconds,
            }
    return out


def table(title: str, per_s: dict[str, float], limit: int = 25) -> str:
    """A few lines, the largest rates first."""
    lines = [f"-- {title}: {sum(per_s.values()):.1f}/s in all"]
    for label, rate in sorted(per_s.items(), key=lambda kv: -kv[1])[:limit]:
        lines.append(f"{rate:8.1f}/s  {label}")
    return "\n".join(lines)
