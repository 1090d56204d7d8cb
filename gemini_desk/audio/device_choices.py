"""The microphones and speakers Settings offers: (stable id, name people know)."""

from __future__ import annotations

import logging
from collections import Counter

from gemini_desk.audio.devices import Kind, list_input_devices, list_output_devices
from gemini_desk.audio.server_devices import list_server_devices

__all__ = ["device_choices"]

log = logging.getLogger("gemini_desk.audio")


def device_choices(kind: Kind) -> list[tuple[str, str]]:
    """``(id, label)`` per device: with a PulseAudio/PipeWire server, its sources or
    sinks by description ("Built-in Audio Analog Stereo"), ids ``pulse:<name>``; two
    devices described alike are told apart by their names. Without a server,
    PortAudio's devices by their names (the name is the id)."""
    server = list_server_devices(kind)
    if server:
        seen = Counter(d.description for d in server)
        return [
            (d.id, d.description if seen[d.description] == 1 else f"{d.description} ({d.name})")
            for d in server
        ]
    try:
        devices = list_input_devices() if kind == "input" else list_output_devices()
    except Exception as exc:  # no PortAudio at all: Settings still open
        log.warning("device list unavailable: %r", exc)
        return []
    return [(d.name, d.name) for d in devices]
