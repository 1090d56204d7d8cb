"""What the app tells a person, as data: a message id and its arguments.

Layers below ``ui/`` never build sentences. They hand a :class:`Message` up; only
``ui/message_text.py`` turns it into words, in the user's language. Arguments are
values (numbers, names, an OS error's own text) or other messages (a device error
inside "the microphone could not be opened").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union


class MessageId(enum.Enum):
    """Every message; the value is how many arguments it takes."""

    # The Live service and the network (live/errors.py).
    BAD_KEY = ("bad_key", 0)
    UNKNOWN_MODEL = ("unknown_model", 1)  # model id
    QUOTA = ("quota", 0)
    SERVER_ERROR = ("server_error", 0)
    NETWORK_UNREACHABLE = ("network_unreachable", 0)  # offline: no route to the service
    CONNECTION_REFUSED = ("connection_refused", 0)  # nothing listens at the address
    HOST_NOT_FOUND = ("host_not_found", 0)  # DNS: the name does not resolve
    TLS_FAILED = ("tls_failed", 0)  # the TLS handshake failed
    TLS_UNVERIFIED = ("tls_unverified", 1)  # the verifier's reason
    CONNECTION_LOST = ("connection_lost", 0)
    SERVICE_ENDED = ("service_ended", 1)  # the close reason or code
    UNEXPECTED = ("unexpected", 0)
    REJECTED_SETTING = ("rejected_setting", 1)  # the service's reason (names the field)
    SESSION_LIMIT = ("session_limit", 0)
    SETUP_TIMEOUT = ("setup_timeout", 1)  # seconds waited for the setup reply
    BAD_FRAMES = ("bad_frames", 0)  # the service sent data that could not be read
    # Keeping the conversation going (live/supervisor.py).
    FRESH_SESSION = ("fresh_session", 0)
    RETRY_NETWORK = ("retry_network", 1)  # seconds
    RETRY_SERVER = ("retry_server", 1)
    RETRY_QUOTA = ("retry_quota", 1)
    RETRY_LOST = ("retry_lost", 1)
    RETRY_SHORT_LIVED = ("retry_short_lived", 1)  # seconds; connections ended at once
    RETRY_REFUSED = ("retry_refused", 1)  # seconds; the connection was refused
    RETRY_DNS = ("retry_dns", 1)  # seconds; the service's name did not resolve
    RETRY_TLS = ("retry_tls", 1)  # seconds; the TLS handshake failed
    # Voice samples (live/voice_sample.py).
    VOICE_SAMPLE_TIMEOUT = ("voice_sample_timeout", 0)
    VOICE_SAMPLE_NO_AUDIO = ("voice_sample_no_audio", 0)
    # The conversation (session/conversation.py, app/).
    NO_KEY_YET = ("no_key_yet", 0)
    SPEAKER_UNAVAILABLE = ("speaker_unavailable", 1)  # why (a message or the OS's text)
    MIC_UNAVAILABLE = ("mic_unavailable", 1)
    DEVICE_LOST = ("device_lost", 1)  # what happened (a message)
    TRANSCRIPT_NOT_SAVED = ("transcript_not_saved", 1)  # the OS's reason
    APPLY_NEXT_CONNECT = ("apply_next_connect", 0)
    # Audio devices (audio/).
    DEVICE_KIND_INPUT = ("device_kind_input", 0)  # "microphone (input)"
    DEVICE_KIND_OUTPUT = ("device_kind_output", 0)
    DEVICE_MICROPHONE = ("device_microphone", 0)  # "microphone"
    DEVICE_SPEAKER = ("device_speaker", 0)
    NO_DEVICES = ("no_devices", 1)  # kind
    NO_DEFAULT_DEVICE = ("no_default_device", 2)  # kind, available names
    NO_DEVICE_INDEX = ("no_device_index", 3)  # kind, index, available
    NO_DEVICE_NAMED = ("no_device_named", 3)  # kind, name, available
    DEVICE_OPEN_FAILED = ("device_open_failed", 4)  # kind, name, rate, reason
    DEVICE_LIST_FAILED = ("device_list_failed", 1)  # the audio system's reason
    SPEAKER_NOT_PULSE = ("speaker_not_pulse", 1)  # device name
    SPEAKER_PULSE_FAILED = ("speaker_pulse_failed", 2)  # device name, reason
    MIC_STOPPED = ("mic_stopped", 1)  # device name
    SPEAKER_STOPPED = ("speaker_stopped", 1)
    # Talking (session/talk.py, hotkeys/platform.py).
    MUTED_CANNOT_TALK = ("muted_cannot_talk", 0)
    NOT_CONNECTED_CANNOT_TALK = ("not_connected_cannot_talk", 0)
    KEY_HELD_TOO_LONG = ("key_held_too_long", 1)  # seconds
    GLOBAL_KEY_FAILED = ("global_key_failed", 0)
    FOCUS_LOST_TURN_SENT = ("focus_lost_turn_sent", 0)
    HOLD_KEY_ANYWHERE = ("hold_key_anywhere", 1)  # key label
    PRESS_KEY_ANYWHERE = ("press_key_anywhere", 1)
    KEY_IN_WINDOW_ONLY = ("key_in_window_only", 1)
    KEY_MACOS_ACCESSIBILITY = ("key_macos_accessibility", 1)
    KEY_WAYLAND = ("key_wayland", 1)
    SHORTCUTS_PORTAL_MISSING = ("shortcuts_portal_missing", 0)  # no GlobalShortcuts portal
    SHORTCUTS_REFUSED = ("shortcuts_refused", 0)  # the desktop refused to bind the shortcuts
    # Sharing (vision/).
    NO_CAMERA = ("no_camera", 0)
    CAMERA_STOPPED = ("camera_stopped", 1)  # reason
    CAPTURE_UNAVAILABLE = ("capture_unavailable", 1)
    WINDOW_NOT_CAPTURABLE = ("window_not_capturable", 1)
    NO_SCREEN = ("no_screen", 0)
    MACOS_SCREEN_PERMISSION = ("macos_screen_permission", 0)
    WAYLAND_PORTAL = ("wayland_portal", 0)
    XWAYLAND_LIMITS = ("xwayland_limits", 0)
    PORTAL_REFUSED = ("portal_refused", 0)  # the desktop's picker was cancelled
    PORTAL_FAILED = ("portal_failed", 0)  # the portal ended the request another way
    PORTAL_WRONG_SCREEN = ("portal_wrong_screen", 0)
    PORTAL_ENDED = ("portal_ended", 0)  # the desktop stopped the cast
    PORTAL_NEEDS_GSTREAMER = ("portal_needs_gstreamer", 0)
    UNKNOWN_ERROR = ("unknown_error", 0)
    # Where the API key is kept (platform/keystore.py).
    KEY_FROM_ENV = ("key_from_env", 1)  # variable name
    KEY_IN_KEYRING = ("key_in_keyring", 0)
    KEY_IN_MEMORY = ("key_in_memory", 0)
    NO_KEY_DEMO = ("no_key_demo", 0)
    DEMO_REPLAYS = ("demo_replays", 0)  # the demo plays back what you said
    # The settings file (core/settings.py, core/settings_model.py).
    SETTINGS_NOT_SAVED = ("settings_not_saved", 1)  # the OS's reason
    SETTINGS_DAMAGED = ("settings_damaged", 1)  # the name the damaged file was kept under
    # Audio diagnostics' verdicts (core/diagnosis.py).
    DIAG_MIC_NOT_OPEN = ("diag_mic_not_open", 0)
    DIAG_MIC_LISTENING = ("diag_mic_listening", 0)  # not enough heard yet to judge
    DIAG_MIC_MUTED = ("diag_mic_muted", 0)
    DIAG_MIC_SILENT = ("diag_mic_silent", 0)
    DIAG_MIC_CLIPPING = ("diag_mic_clipping", 0)
    DIAG_MIC_QUIET = ("diag_mic_quiet", 1)  # loudest level, dBFS
    DIAG_MIC_NOISY = ("diag_mic_noisy", 1)  # background level, dBFS
    DIAG_MIC_WORKS = ("diag_mic_works", 1)  # background level, dBFS
    DIAG_MIC_TEST_HEARD_NOTHING = ("diag_mic_test_heard_nothing", 0)
    DIAG_MIC_TEST_WORKS = ("diag_mic_test_works", 0)
    DIAG_SPEAKER_NOT_OPEN = ("diag_speaker_not_open", 0)
    DIAG_SPEAKER_LOST = ("diag_speaker_lost", 0)
    DIAG_SPEAKER_GAPS = ("diag_speaker_gaps", 1)  # times it ran out of audio
    DIAG_SPEAKER_WORKS = ("diag_speaker_works", 0)
    DIAG_SPEAKER_HEARD = ("diag_speaker_heard", 0)
    DIAG_SPEAKER_NOT_HEARD = ("diag_speaker_not_heard", 0)
    DIAG_ECHO_NOT_RUNNING = ("diag_echo_not_running", 0)
    DIAG_ECHO_OFF = ("diag_echo_off", 0)
    DIAG_ECHO_WAITING = ("diag_echo_waiting", 0)
    DIAG_ECHO_NONE_HEARD = ("diag_echo_none_heard", 0)
    DIAG_ECHO_REMOVING = ("diag_echo_removing", 1)  # dB
    DIAG_ECHO_WEAK = ("diag_echo_weak", 1)  # dB
    DIAG_TEST_FAILED = ("diag_test_failed", 1)  # the reason (the system's text)

    @property
    def arity(self) -> int:
        return int(self.value[1])


Arg = Union[str, int, float, "Message"]


@dataclass(frozen=True, slots=True)
class Message:
    """One message: ``id`` says which, ``args`` fill it in (checked against its arity)."""

    id: MessageId
    args: tuple[Arg, ...] = ()

    def __post_init__(self) -> None:
        if len(self.args) != self.id.arity:
            raise ValueError(f"{self.id.name} takes {self.id.arity} arguments, not {self.args!r}")

    def __str__(self) -> str:
        """For logs only (never shown): the id and its arguments."""
        if not self.args:
            return self.id.name
        return f"{self.id.name}({', '.join(str(a) for a in self.args)})"


def message(id: MessageId, *args: Arg) -> Message:
    """Shorthand: ``message(MessageId.RETRY_NETWORK, 8)``."""
    return Message(id, tuple(args))
