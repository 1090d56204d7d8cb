"""Which rate a stream opens at: the Live API's own on a sound server's device, else native."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gemini_desk.audio.devices import (
    DeviceInfo,
    resampled_by_sound_server,
    sound_server_running,
    stream_rate,
)

HW = DeviceInfo(
    index=0,
    name="HDA Intel PCH: ALC3246 Analog (hw:0,0)",
    hostapi="ALSA",
    max_input_channels=2,
    max_output_channels=2,
    default_samplerate=48000.0,
    is_default_input=False,
    is_default_output=False,
)
PULSE = replace(HW, index=5, name="pulse", default_samplerate=44100.0)
PIPEWIRE = replace(HW, index=6, name="pipewire", default_samplerate=44100.0)
DEFAULT = replace(HW, index=7, name="default", default_samplerate=44100.0)
NO_SERVER: dict[str, str] = {}


@pytest.mark.parametrize("dev", [PULSE, PIPEWIRE])
def test_sound_server_pcms_open_at_the_api_rate(dev: DeviceInfo) -> None:
    assert resampled_by_sound_server(dev, NO_SERVER)
    assert stream_rate(dev, 16000, NO_SERVER) == 16000
    assert stream_rate(dev, 24000, NO_SERVER) == 24000


def test_hardware_devices_open_at_their_native_rate() -> None:
    assert not resampled_by_sound_server(HW, {"PULSE_SERVER": "unix:/x"})
    assert stream_rate(HW, 16000, {"PULSE_SERVER": "unix:/x"}) == 48000


def test_alsa_default_counts_only_while_a_server_runs(tmp_path: Path) -> None:
    assert stream_rate(DEFAULT, 24000, NO_SERVER) == 44100
    assert stream_rate(DEFAULT, 24000, {"PULSE_SERVER": "unix:/run/pulse"}) == 24000
    runtime = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert not sound_server_running(runtime)
    (tmp_path / "pipewire-0").touch()
    assert sound_server_running(runtime)
    assert stream_rate(DEFAULT, 24000, runtime) == 24000


def test_other_host_apis_keep_the_native_rate() -> None:
    wasapi = replace(PULSE, hostapi="Windows WASAPI")
    assert stream_rate(wasapi, 24000, {"PULSE_SERVER": "unix:/x"}) == 44100


def test_no_wanted_rate_means_native() -> None:
    assert stream_rate(PULSE, None, NO_SERVER) == 44100
