"""Audio device listing and lookup through sounddevice (PortAudio)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sounddevice as sd

from gemini_desk.audio.server_devices import routed, server_name
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M

__all__ = [
    "AudioDeviceError",
    "DeviceInfo",
    "DeviceNotFound",
    "close_stream",
    "list_devices",
    "list_input_devices",
    "list_output_devices",
    "open_stream",
    "resampled_by_sound_server",
    "resolve_device",
    "stream_rate",
]

Kind = Literal["input", "output"]

log = logging.getLogger("gemini_desk.audio")


class AudioDeviceError(RuntimeError):
    """An audio device could not be found, opened or used; ``message`` says so to people."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class DeviceNotFound(AudioDeviceError, LookupError):
    """No device matches what was asked for."""


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool
    is_default_output: bool

    def label(self) -> str:
        return f"{self.name} ({self.hostapi})"


def _default_index(kind: Kind) -> int:
    try:
        info: Any = sd.query_devices(kind=kind)
    except sd.PortAudioError:
        return -1
    return int(info["index"])


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio knows, in PortAudio's order."""
    try:
        raw: Any = sd.query_devices()
        hostapis: Any = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioDeviceError(message(M.DEVICE_LIST_FAILED, str(exc))) from exc
    default_in = _default_index("input")
    default_out = _default_index("output")
    devices = []
    for d in raw:
        idx = int(d["index"])
        devices.append(
            DeviceInfo(
                index=idx,
                name=str(d["name"]),
                hostapi=str(hostapis[d["hostapi"]]["name"]),
                max_input_channels=int(d["max_input_channels"]),
                max_output_channels=int(d["max_output_channels"]),
                default_samplerate=float(d["default_samplerate"]),
                is_default_input=idx == default_in,
                is_default_output=idx == default_out,
            )
        )
    return devices


def list_input_devices() -> list[DeviceInfo]:
    return [d for d in list_devices() if d.max_input_channels > 0]


def list_output_devices() -> list[DeviceInfo]:
    return [d for d in list_devices() if d.max_output_channels > 0]


def _describe(devices: list[DeviceInfo]) -> str:
    if not devices:
        return "none"
    return "; ".join(f"{d.index}: {d.name!r}" for d in devices)


def resolve_device(spec: str | int | None, kind: Kind) -> DeviceInfo:
    """Find the device to open.

    ``None`` (or an empty string) means the system default; an int is a PortAudio index;
    ``pulse:<name>`` is a sound server's device (audio/server_devices.py), reached
    through ALSA's ``pulse`` device; another string matches a device name exactly, then
    case-insensitively, then as a case-insensitive substring (first match in
    PortAudio's order wins).
    """
    if kind not in ("input", "output"):
        raise ValueError(f"kind must be 'input' or 'output', got {kind!r}")
    if server_name(spec) is not None:
        spec = "pulse"  # routed to the named device when the stream opens
    candidates = list_input_devices() if kind == "input" else list_output_devices()
    what = message(M.DEVICE_KIND_INPUT if kind == "input" else M.DEVICE_KIND_OUTPUT)
    if not candidates:
        raise DeviceNotFound(message(M.NO_DEVICES, what))
    if spec is None or spec == "":
        for d in candidates:
            if d.is_default_input if kind == "input" else d.is_default_output:
                return d
        raise DeviceNotFound(message(M.NO_DEFAULT_DEVICE, what, _describe(candidates)))
    if isinstance(spec, int):
        for d in candidates:
            if d.index == spec:
                return d
        raise DeviceNotFound(message(M.NO_DEVICE_INDEX, what, spec, _describe(candidates)))
    for d in candidates:
        if d.name == spec:
            return d
    wanted = spec.casefold()
    for d in candidates:
        if d.name.casefold() == wanted:
            return d
    for d in candidates:
        if wanted in d.name.casefold():
            return d
    raise DeviceNotFound(message(M.NO_DEVICE_NAMED, what, repr(spec), _describe(candidates)))


# ALSA devices that are a sound server's (libasound2-plugins / pipewire-alsa): they take
# any rate and the server converts it to the hardware's in its own process, once.
_SERVER_PCMS = ("pulse", "pipewire")


def sound_server_running(env: Mapping[str, str] | None = None) -> bool:
    """True when a PulseAudio or PipeWire server is reachable for this user."""
    env = os.environ if env is None else env
    if env.get("PULSE_SERVER"):
        return True
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime:
        return False
    return any((Path(runtime) / sock).exists() for sock in ("pulse/native", "pipewire-0"))


def resampled_by_sound_server(dev: DeviceInfo, env: Mapping[str, str] | None = None) -> bool:
    """True when ``dev`` feeds a sound server that converts any sample rate itself.

    That is ALSA's ``pulse`` and ``pipewire`` PCMs, and ALSA's ``default`` while such a
    server runs (the plugins' config points ``default`` at it then). Opening those at
    the Live API's own rates means one conversion, in the server, instead of ours plus
    the server's (their "native" 44.1 kHz is only PortAudio's guess, not the hardware's).
    """
    if dev.hostapi != "ALSA":
        return False
    name = dev.name.casefold()
    if name in _SERVER_PCMS:
        return True
    return name == "default" and sound_server_running(env)


def stream_rate(dev: DeviceInfo, wanted: int | None, env: Mapping[str, str] | None = None) -> int:
    """The rate to open ``dev`` at: ``wanted`` when a sound server converts it for free,
    otherwise the device's native rate (and the caller resamples)."""
    if wanted is not None and resampled_by_sound_server(dev, env):
        return int(wanted)
    return int(dev.default_samplerate)


def open_stream(
    kind: Kind,
    device_spec: str | int | None,
    block_ms: float,
    latency: Any,
    callback: Any,
    finished_callback: Any,
    prepare: Any,
    wanted_rate: int | None = None,
) -> tuple[Any, DeviceInfo, int]:
    """Open and start a mono float32 stream at ``stream_rate(device, wanted_rate)``.

    ``prepare(rate)`` runs before the stream exists, so everything the callback uses is
    allocated before it can be called. Returns ``(stream, device, rate)``.
    """
    dev = resolve_device(device_spec, kind)
    rate = stream_rate(dev, wanted_rate)
    prepare(rate)
    stream_class = sd.InputStream if kind == "input" else sd.OutputStream
    what = message(M.DEVICE_MICROPHONE if kind == "input" else M.DEVICE_SPEAKER)
    try:
        with routed(kind, device_spec):  # a sound server's device by name
            stream = stream_class(
                device=dev.index,
                samplerate=rate,
                channels=1,
                dtype="float32",
                blocksize=round(rate * block_ms / 1000),
                latency=latency,
                callback=callback,
                finished_callback=finished_callback,
            )
            stream.start()
    except (sd.PortAudioError, ValueError) as exc:
        raise AudioDeviceError(
            message(M.DEVICE_OPEN_FAILED, what, repr(dev.name), rate, str(exc))
        ) from exc
    return stream, dev, rate


def close_stream(stream: Any, what: str, *, abort: bool = False) -> None:
    """Stop and close a stream from ``open_stream``; a device already gone is logged
    (``what``: "capture"/"playback"), never raised. ``abort``: drop pending buffers
    instead of letting them finish (a stalled stream's stop waits for ALSA's pulse
    plugin to time out: ~40 s on a PipeWire stream whose device vanished)."""
    try:
        if abort:
            stream.abort()
        else:
            stream.stop()
    except sd.PortAudioError as exc:
        log.info("%s stop: %s", what, exc)
    finally:
        stream.close(ignore_errors=True)
