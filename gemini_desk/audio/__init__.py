"""sounddevice adapters: microphone capture, speaker playback and the device list."""

from gemini_desk.audio.capture import SEND_RATE, MicCapture
from gemini_desk.audio.devices import (
    AudioDeviceError,
    DeviceInfo,
    DeviceNotFound,
    list_input_devices,
    list_output_devices,
    resolve_device,
)
from gemini_desk.audio.playback import RECEIVE_RATE, SpeakerPlayback

__all__ = [
    "RECEIVE_RATE",
    "SEND_RATE",
    "AudioDeviceError",
    "DeviceInfo",
    "DeviceNotFound",
    "MicCapture",
    "SpeakerPlayback",
    "list_input_devices",
    "list_output_devices",
    "resolve_device",
]
