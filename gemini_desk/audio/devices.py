"""Audio device listing and lookup through sounddevice (PortAudio)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import sounddevice as sd

__all__ = [
    "AudioDeviceError",
    "DeviceInfo",
    "DeviceNotFound",
    "list_devices",
    "list_input_devices",
    "list_output_devices",
    "resolve_device",
]

Kind = Literal["input", "output"]


class AudioDeviceError(RuntimeError):
    """An audio device could not be found, opened or used. The message is for people."""


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
        raise AudioDeviceError(f"The audio system could not list devices: {exc}") from exc
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
    a string matches a device name exactly, then case-insensitively, then as a
    case-insensitive substring (first match in PortAudio's order wins).
    """
    if kind not in ("input", "output"):
        raise ValueError(f"kind must be 'input' or 'output', got {kind!r}")
    candidates = list_input_devices() if kind == "input" else list_output_devices()
    what = "microphone (input)" if kind == "input" else "speaker (output)"
    if not candidates:
        raise DeviceNotFound(
            f"No {what} devices were found. Check that a device is connected and that "
            "the sound server (e.g. PulseAudio/PipeWire) is running."
        )
    if spec is None or spec == "":
        for d in candidates:
            if (d.is_default_input if kind == "input" else d.is_default_output):
                return d
        raise DeviceNotFound(
            f"There is no default {what} device. Choose one of: {_describe(candidates)}."
        )
    if isinstance(spec, int):
        for d in candidates:
            if d.index == spec:
                return d
        raise DeviceNotFound(
            f"There is no {what} device with index {spec}. "
            f"Available: {_describe(candidates)}."
        )
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
    raise DeviceNotFound(
        f"No {what} device is named {spec!r}. Available: {_describe(candidates)}."
    )


def open_native_stream(
    kind: Kind,
    device_spec: str | int | None,
    block_ms: int,
    latency: Any,
    callback: Any,
    finished_callback: Any,
    prepare: Any,
) -> tuple[Any, DeviceInfo, int]:
    """Open and start a mono float32 stream at the device's native rate.

    ``prepare(rate)`` runs before the stream exists, so everything the callback uses is
    allocated before it can be called. Returns ``(stream, device, rate)``.
    """
    dev = resolve_device(device_spec, kind)
    rate = int(dev.default_samplerate)
    prepare(rate)
    stream_class = sd.InputStream if kind == "input" else sd.OutputStream
    what = "microphone" if kind == "input" else "speaker"
    try:
        stream = stream_class(
            device=dev.index,
            samplerate=rate,
            channels=1,
            dtype="float32",
            blocksize=rate * block_ms // 1000,
            latency=latency,
            callback=callback,
            finished_callback=finished_callback,
        )
        stream.start()
    except (sd.PortAudioError, ValueError) as exc:
        raise AudioDeviceError(
            f"Could not open the {what} {dev.name!r} at {rate} Hz: {exc}. "
            "It may be in use by another program or unplugged."
        ) from exc
    return stream, dev, rate
