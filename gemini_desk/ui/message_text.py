"""Puts a :class:`~gemini_desk.core.messages.Message` into words, in the UI language.

The only place where messages from the Qt-free layers become text. Each template is
written as ``translate("Messages", "...")`` so that pyside6-lupdate extracts it; ``%1``,
``%2``... take the message's arguments in order (a nested message is put into words
first; other values as they are).
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QCoreApplication

from gemini_desk.core.messages import Message
from gemini_desk.core.messages import MessageId as M

__all__ = ["message_text", "templates"]

translate = QCoreApplication.translate


def templates() -> dict[M, str]:
    """Every message id's template, translated into the current UI language."""
    return {
        M.BAD_KEY: translate(
            "Messages",
            "The API key was not accepted. Check it under File > API key, or get one at "
            "https://aistudio.google.com/apikey.",
        ),
        M.UNKNOWN_MODEL: translate(
            "Messages",
            "The model “%1” is not available for live conversations. Pick another model in "
            "Settings.",
        ),
        M.QUOTA: translate(
            "Messages",
            "The service says you have reached your quota or rate limit. Wait a minute and "
            "connect again.",
        ),
        M.SERVER_ERROR: translate(
            "Messages",
            "The Live service had an internal error and closed the conversation. Connect again.",
        ),
        M.NETWORK_UNREACHABLE: translate(
            "Messages",
            "Cannot reach the Live service. Check your network connection, then connect again.",
        ),
        M.CONNECTION_REFUSED: translate(
            "Messages",
            "The Live service refused the connection: nothing answers at its address.",
        ),
        M.HOST_NOT_FOUND: translate(
            "Messages", "The Live service's address could not be found (DNS)."
        ),
        M.TLS_FAILED: translate(
            "Messages", "A secure (TLS) connection to the Live service could not be set up."
        ),
        M.TLS_UNVERIFIED: translate(
            "Messages",
            "The secure connection to the Live service could not be verified (%1).",
        ),
        M.CONNECTION_LOST: translate(
            "Messages",
            "The connection to the Live service was lost. Connect again.",
        ),
        M.SERVICE_ENDED: translate(
            "Messages",
            "The Live service ended the conversation (%1). Connect again.",
        ),
        M.UNEXPECTED: translate(
            "Messages",
            "Something unexpected went wrong in the conversation. Details are in the log file.",
        ),
        M.REJECTED_SETTING: translate(
            "Messages",
            "The Live service refused a setting (%1). Change it in Settings.",
        ),
        M.SESSION_LIMIT: translate("Messages", "The connection reached the service's time limit."),
        M.SETUP_TIMEOUT: translate(
            "Messages",
            "The Live service did not finish setting up the connection within %1 s.",
        ),
        M.BAD_FRAMES: translate("Messages", "The Live service sent data the app could not read."),
        M.VOICE_SAMPLE_TIMEOUT: translate(
            "Messages",
            "The voice sample did not arrive in time. Check your network connection and try again.",
        ),
        M.VOICE_SAMPLE_NO_AUDIO: translate(
            "Messages",
            "The Live service answered without audio, so there is no sample to play.",
        ),
        M.FRESH_SESSION: translate(
            "Messages",
            "The conversation could not be resumed, so a new session was started. It was "
            "given the recent transcript as context; the model may not remember everything.",
        ),
        M.RETRY_NETWORK: translate("Messages", "Waiting for the network; retrying in %1 s"),
        M.RETRY_SERVER: translate("Messages", "The service had an error; retrying in %1 s"),
        M.RETRY_QUOTA: translate("Messages", "Quota or rate limit reached; retrying in %1 s"),
        M.RETRY_LOST: translate("Messages", "The connection was lost; retrying in %1 s"),
        M.RETRY_SHORT_LIVED: translate(
            "Messages",
            "The service keeps ending the connection right away; retrying in %1 s",
        ),
        M.RETRY_REFUSED: translate("Messages", "The connection was refused; retrying in %1 s"),
        M.RETRY_DNS: translate(
            "Messages", "The service's address could not be found; retrying in %1 s"
        ),
        M.RETRY_TLS: translate("Messages", "The secure connection failed; retrying in %1 s"),
        M.NO_KEY_YET: translate("Messages", "No API key yet: enter one, or try the demo."),
        M.SPEAKER_UNAVAILABLE: translate("Messages", "The speaker could not be opened: %1"),
        M.MIC_UNAVAILABLE: translate(
            "Messages",
            "The microphone could not be opened: %1 You can still type.",
        ),
        M.DEVICE_LOST: translate(
            "Messages",
            "%1 Reconnect it or choose another device in Settings.",
        ),
        M.TRANSCRIPT_NOT_SAVED: translate("Messages", "The transcript could not be saved: %1"),
        M.SETTINGS_NOT_SAVED: translate(
            "Messages",
            "Your settings could not be saved: %1 Changes apply until you quit.",
        ),
        M.SETTINGS_DAMAGED: translate(
            "Messages",
            "The settings file was damaged. It was kept as %1; every setting that could "
            "still be read was kept, the others are back to their defaults.",
        ),
        M.APPLY_NEXT_CONNECT: translate(
            "Messages",
            "Model, voice and instruction apply when you next connect.",
        ),
        M.NO_DEVICES: translate(
            "Messages",
            "No %1 devices were found. Check that a device is connected and that the sound "
            "server (e.g. PulseAudio/PipeWire) is running.",
        ),
        M.DEVICE_KIND_INPUT: translate("Messages", "microphone (input)"),
        M.DEVICE_KIND_OUTPUT: translate("Messages", "speaker (output)"),
        M.NO_DEFAULT_DEVICE: translate(
            "Messages",
            "There is no default %1 device. Choose one of: %2.",
        ),
        M.NO_DEVICE_INDEX: translate(
            "Messages",
            "There is no %1 device with index %2. Available: %3.",
        ),
        M.NO_DEVICE_NAMED: translate("Messages", "No %1 device is named %2. Available: %3."),
        M.DEVICE_OPEN_FAILED: translate(
            "Messages",
            "Could not open the %1 %2 at %3 Hz: %4. It may be in use by another program or "
            "unplugged.",
        ),
        M.DEVICE_LIST_FAILED: translate("Messages", "The audio system could not list devices: %1"),
        M.SPEAKER_NOT_PULSE: translate(
            "Messages",
            "The speaker %1 is not a PulseAudio/PipeWire device, or libpulse is not installed.",
        ),
        M.SPEAKER_PULSE_FAILED: translate(
            "Messages",
            "Could not open the speaker %1: %2 Check that the sound server (PulseAudio/PipeWire)"
            " is running.",
        ),
        M.DEVICE_MICROPHONE: translate("Messages", "microphone"),
        M.DEVICE_SPEAKER: translate("Messages", "speaker"),
        M.MIC_STOPPED: translate(
            "Messages",
            "The microphone %1 stopped working (unplugged or taken by another program).",
        ),
        M.SPEAKER_STOPPED: translate(
            "Messages",
            "The speaker %1 stopped working (unplugged or taken by another program).",
        ),
        M.MUTED_CANNOT_TALK: translate(
            "Messages",
            "The microphone is muted: unmute it (Ctrl+M) to talk.",
        ),
        M.NOT_CONNECTED_CANNOT_TALK: translate(
            "Messages",
            "Not connected: connect first (Ctrl+Enter), then talk.",
        ),
        M.KEY_HELD_TOO_LONG: translate(
            "Messages",
            "The talk key was held for %1 s, so your turn was ended. Press it again to go on.",
        ),
        M.GLOBAL_KEY_FAILED: translate(
            "Messages",
            "The global talk key stopped working, so your turn was ended.",
        ),
        M.FOCUS_LOST_TURN_SENT: translate(
            "Messages",
            "The window lost focus while you held the talk key; your turn was sent.",
        ),
        M.HOLD_KEY_ANYWHERE: translate("Messages", "Hold %1 in any application to talk."),
        M.PRESS_KEY_ANYWHERE: translate(
            "Messages",
            "Press %1 in any application to start and stop talking.",
        ),
        M.KEY_IN_WINDOW_ONLY: translate("Messages", "%1 works while this window is in front."),
        M.KEY_MACOS_ACCESSIBILITY: translate(
            "Messages",
            "Hold %1 in any application to talk. macOS asks once for Accessibility "
            "permission (System Settings > Privacy & Security > Accessibility): allow "
            "Gemini Desk there so it can see this key while other apps are in front; it "
            "never reads what you type.",
        ),
        M.KEY_WAYLAND: translate(
            "Messages",
            "Wayland does not let apps see keys pressed in other windows, so %1 works while"
            " this window is in front. For a key that works everywhere, add a keyboard "
            "shortcut in your desktop's settings that runs 'gemini-desk --ptt toggle' (or "
            "'--ptt press' and '--ptt release').",
        ),
        M.SHORTCUTS_PORTAL_MISSING: translate(
            "Messages",
            "Your desktop does not offer global shortcuts to apps, so the talk and mute "
            "keys work only while this window is in front. For a talk key that works "
            "everywhere, make a custom shortcut that runs 'gemini-desk --ptt toggle': on "
            "GNOME in Settings > Keyboard > Custom Shortcuts, on KDE in System Settings > "
            "Shortcuts > Custom Shortcuts.",
        ),
        M.SHORTCUTS_REFUSED: translate(
            "Messages",
            "The desktop did not set up the global talk and mute keys, so they work only "
            "while this window is in front. To try again, change the keys in Settings. Or "
            "make a custom shortcut that runs 'gemini-desk --ptt toggle': on GNOME in "
            "Settings > Keyboard > Custom Shortcuts, on KDE in System Settings > Shortcuts "
            "> Custom Shortcuts.",
        ),
        M.NO_CAMERA: translate(
            "Messages",
            "No camera found. Plug one in (or allow camera access) and try again.",
        ),
        M.CAMERA_STOPPED: translate("Messages", "The camera stopped working: %1."),
        M.CAPTURE_UNAVAILABLE: translate("Messages", "Screen capture is not available here: %1."),
        M.WINDOW_NOT_CAPTURABLE: translate("Messages", "That window cannot be captured: %1."),
        M.NO_SCREEN: translate(
            "Messages",
            "This display has no screen to capture; the camera may still work.",
        ),
        M.MACOS_SCREEN_PERMISSION: translate(
            "Messages",
            "macOS asks for Screen Recording permission the first time you share.",
        ),
        M.WAYLAND_PORTAL: translate(
            "Messages",
            "On Wayland, apps may not read the screen directly: your desktop asks you which"
            " screen to share, and the region is cut from that. Wayland does not let apps"
            " place windows, so there is no red frame; your desktop shows its own sharing"
            " indicator.",
        ),
        M.XWAYLAND_LIMITS: translate(
            "Messages",
            "Running through XWayland: only other X11 apps' windows can be captured; start "
            "with QT_QPA_PLATFORM=wayland to share through the desktop portal.",
        ),
        M.PORTAL_REFUSED: translate(
            "Messages", "Sharing cancelled: nothing was chosen in the desktop's dialog."
        ),
        M.PORTAL_FAILED: translate(
            "Messages",
            "The desktop could not start sharing the screen. Try again, or check that "
            "xdg-desktop-portal and PipeWire are running.",
        ),
        M.PORTAL_WRONG_SCREEN: translate(
            "Messages",
            "The region is not on the screen you chose. Share again and choose the screen "
            "that shows it.",
        ),
        M.PORTAL_ENDED: translate("Messages", "The desktop stopped the screen sharing."),
        M.PORTAL_NEEDS_GSTREAMER: translate(
            "Messages",
            "Sharing on Wayland needs GStreamer's PipeWire plugin (Debian and Ubuntu: "
            "gstreamer1.0-tools, gstreamer1.0-pipewire, gstreamer1.0-plugins-base).",
        ),
        M.UNKNOWN_ERROR: translate("Messages", "unknown error"),
        M.KEY_FROM_ENV: translate("Messages", "Using the key from the %1 environment variable."),
        M.KEY_IN_KEYRING: translate("Messages", "Your key is stored in the system keyring."),
        M.KEY_IN_MEMORY: translate(
            "Messages",
            "No system keyring is available: the key is kept in memory until you quit. Set "
            "GEMINI_API_KEY to avoid typing it again.",
        ),
        M.NO_KEY_DEMO: translate("Messages", "No API key set (demo mode)."),
        M.DEMO_REPLAYS: translate(
            "Messages",
            "This is the local demo: a small server on this computer plays back what you "
            "say. Nothing leaves this computer. To talk to Gemini, enter an API key (File > "
            "API key).",
        ),
        **_diagnosis_templates(),
    }


def _diagnosis_templates() -> dict[M, str]:
    """Audio diagnostics' verdicts (core/diagnosis.py)."""
    return {
        M.DIAG_MIC_NOT_OPEN: translate(
            "Messages", "The microphone is not open. Connect, or test it below."
        ),
        M.DIAG_MIC_LISTENING: translate("Messages", "Listening to the microphone…"),
        M.DIAG_MIC_MUTED: translate(
            "Messages", "The microphone is muted. Unmute it to check it here."
        ),
        M.DIAG_MIC_SILENT: translate(
            "Messages",
            "The microphone hears nothing. Check that it is plugged in and not muted in "
            "your system's sound settings.",
        ),
        M.DIAG_MIC_CLIPPING: translate(
            "Messages",
            "The microphone is too loud and distorts. Lower its input volume in your "
            "system's sound settings.",
        ),
        M.DIAG_MIC_QUIET: translate(
            "Messages",
            "The microphone is very quiet (%1 dBFS at its loudest). Move closer, or raise "
            "its input volume.",
        ),
        M.DIAG_MIC_NOISY: translate(
            "Messages",
            "Your microphone works, but it hears a lot of background noise (%1 dBFS).",
        ),
        M.DIAG_MIC_WORKS: translate(
            "Messages", "Your microphone works (background noise %1 dBFS)."
        ),
        M.DIAG_MIC_TEST_HEARD_NOTHING: translate(
            "Messages",
            "The test heard nothing. Check that the microphone is plugged in, chosen in "
            "Settings and not muted in your system.",
        ),
        M.DIAG_MIC_TEST_WORKS: translate(
            "Messages", "Your microphone works: you just heard what it recorded."
        ),
        M.DIAG_SPEAKER_NOT_OPEN: translate(
            "Messages", "The speaker is not open. Connect, or test it below."
        ),
        M.DIAG_SPEAKER_LOST: translate(
            "Messages", "The speaker stopped working. Check that it is still connected."
        ),
        M.DIAG_SPEAKER_GAPS: translate(
            "Messages",
            "Gemini's voice had %1 gaps: the speaker ran out of audio. A slow network or a "
            "busy computer does this.",
        ),
        M.DIAG_SPEAKER_WORKS: translate("Messages", "The speaker plays without gaps."),
        M.DIAG_SPEAKER_HEARD: translate("Messages", "Your speaker works."),
        M.DIAG_SPEAKER_NOT_HEARD: translate(
            "Messages",
            "You did not hear the chime. Check the volume, and that the right speaker is "
            "chosen in Settings.",
        ),
        M.DIAG_ECHO_NOT_RUNNING: translate(
            "Messages", "Echo cancellation runs while you are connected."
        ),
        M.DIAG_ECHO_OFF: translate(
            "Messages", "Echo cancellation is off: you said you use headphones."
        ),
        M.DIAG_ECHO_WAITING: translate(
            "Messages", "Echo cancellation is measured while Gemini speaks."
        ),
        M.DIAG_ECHO_NONE_HEARD: translate(
            "Messages", "The microphone does not hear the speaker: there is no echo to remove."
        ),
        M.DIAG_ECHO_REMOVING: translate("Messages", "Echo cancellation is removing %1 dB."),
        M.DIAG_ECHO_WEAK: translate(
            "Messages",
            "Echo cancellation removes only %1 dB: Gemini may hear itself. Lower the "
            "speaker volume or use headphones.",
        ),
        M.DIAG_TEST_FAILED: translate("Messages", "The test could not run: %1"),
    }


@functools.lru_cache(maxsize=4)
def _cached(language_probe: str) -> dict[M, str]:
    return templates()


def message_text(message: Message | str) -> str:
    """``message`` in words (a plain string, e.g. an OS error's own text, passes as is)."""
    if isinstance(message, str):
        return message
    probe = translate("Messages", "unknown error")  # one cache per UI language
    text = _cached(probe)[message.id]
    values = [message_text(a) if isinstance(a, Message | str) else _number(a) for a in message.args]
    # Highest index first, so that %1 does not eat the start of %10.
    for index in range(len(values), 0, -1):
        text = text.replace(f"%{index}", values[index - 1])
    return text


def _number(value: int | float) -> str:
    return str(round(value)) if isinstance(value, float) and value.is_integer() else str(value)


def reset() -> None:
    """Forget cached translations (after the language changed)."""
    _cached.cache_clear()
