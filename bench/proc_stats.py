"""CPU time and resident memory of a process tree, read from /proc (Linux; no psutil)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["descendants", "thread_wakeups", "tree_cpu_s", "tree_rss_mb"]

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def descendants(pid: int) -> list[int]:
    """``pid`` and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, ()))
    return found


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) used so far by ``pid``, its live
    descendants, and the children it has already waited for."""
    total = 0.0
    for p in descendants(pid):
        fields = _stat(p)
        if fields is None:
            continue
        # After the name: state ppid ... utime(11) stime(12) cutime(13) cstime(14).
        ticks = int(fields[11]) + int(fields[12])
        if p == pid:
            ticks += int(fields[13]) + int(fields[14])
        total += ticks / _TICK
    return total


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its live descendants, in MB (10^6 bytes)."""
    total_kb = 0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb * 1024 / 1e6


def thread_wakeups(pid: int) -> dict[str, int]:
    """Context switches so far per thread name of ``pid`` (threads of one name summed):
    each is one time the thread slept and was woken, or was preempted."""
    counts: dict[str, int] = {}
    for tid in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else ():
        try:
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
            status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except OSError:
            continue
        n = sum(
            int(line.split()[1])
            for line in status.splitlines()
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
        )
        counts[name] = counts.get(name, 0) + n
    return counts
