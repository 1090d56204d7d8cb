"""Translates the plain-language messages that the Qt-free layers send to the window.

core/, live/, audio/ and conversation.py do not import Qt, so they cannot call tr().
Their messages arrive in English; this catalogue lists each one as a template (``%1``
where the message has a value) so that pyside6-lupdate extracts it, and
:func:`translate_message` matches an incoming message against the templates, translates
the template, and puts the values back in (translating them too when they are messages
themselves, e.g. a device error inside "The microphone could not be opened: %1").
tests/ui/test_messages.py checks that every template still occurs in the code.
"""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import QCoreApplication

__all__ = ["TEMPLATES", "translate_message"]


def translate(context: str, text: str) -> tuple[str, str]:
    """(English, current translation) of one catalogue entry."""
    return text, QCoreApplication.translate(context, text)


def _catalogue() -> list[tuple[str, str]]:
    # Written as translate("Messages", "...") so that pyside6-lupdate finds them.
    return [
        # live/errors.py
        translate("Messages", "The API key was not accepted. Check it under File > API key, "
                  "or get one at https://aistudio.google.com/apikey."),
        translate("Messages", "The model “%1” is not available for live conversations. "
                  "Pick another model in Settings."),
        translate("Messages", "The service says you have reached your quota or rate limit. "
                  "Wait a minute and connect again."),
        translate("Messages", "The Live service had an internal error and closed the "
                  "conversation. Connect again."),
        translate("Messages", "Cannot reach the Live service. Check your network connection, "
                  "then connect again."),
        translate("Messages", "The secure connection to the Live service could not be "
                  "verified (%1)."),
        translate("Messages", "The connection to the Live service was lost. Connect again."),
        translate("Messages", "The Live service ended the conversation (%1). Connect again."),
        translate("Messages", "Something unexpected went wrong in the conversation. Details "
                  "are in the log file."),
        translate("Messages", "The Live service refused a setting (%1). Change it in "
                  "Settings."),
        translate("Messages", "The connection reached the service's time limit."),
        # live/voice_sample.py
        translate("Messages", "The voice sample did not arrive in time. Check your network "
                  "connection and try again."),
        translate("Messages", "The Live service answered without audio, so there is no sample "
                  "to play."),
        # live/supervisor.py
        translate("Messages", "The conversation could not be resumed, so a new session was "
                  "started. It was given the recent transcript as context; the model may "
                  "not remember everything."),
        translate("Messages", "Waiting for the network; retrying in %1 s"),
        translate("Messages", "The service had an error; retrying in %1 s"),
        translate("Messages", "Quota or rate limit reached; retrying in %1 s"),
        translate("Messages", "The connection was lost; retrying in %1 s"),
        # conversation.py, app.py
        translate("Messages", "No API key yet: enter one, or try the demo."),
        translate("Messages", "The speaker could not be opened: %1"),
        translate("Messages", "The microphone could not be opened: %1 You can still type."),
        translate("Messages", "%1 Reconnect it or choose another device in Settings."),
        translate("Messages", "The transcript could not be saved: %1"),
        translate("Messages", "Model, voice and instruction apply when you next connect."),
        # audio/
        translate("Messages", "No %1 devices were found. Check that a device is connected and "
                  "that the sound server (e.g. PulseAudio/PipeWire) is running."),
        translate("Messages", "microphone (input)"),
        translate("Messages", "speaker (output)"),
        translate("Messages", "There is no default %1 device. Choose one of: %2."),
        translate("Messages", "There is no %1 device with index %2. Available: %3."),
        translate("Messages", "No %1 device is named %2. Available: %3."),
        translate("Messages", "Could not open the %1 %2 at %3 Hz: %4. It may be in use by "
                  "another program or unplugged."),
        translate("Messages", "microphone"),
        translate("Messages", "speaker"),
        translate("Messages", "The microphone %1 stopped working (unplugged or taken by "
                  "another program)."),
        translate("Messages", "The speaker %1 stopped working (unplugged or taken by another "
                  "program)."),
        # talk.py, hotkeys/platform.py
        translate("Messages", "The microphone is muted: unmute it (Ctrl+M) to talk."),
        translate("Messages", "Not connected: connect first (Ctrl+Enter), then talk."),
        translate("Messages", "The talk key was held for %1 s, so your turn was ended. "
                  "Press it again to go on."),
        translate("Messages", "The global talk key stopped working, so your turn was ended."),
        translate("Messages", "The window lost focus while you held the talk key; your turn "
                  "was sent."),
        translate("Messages", "Hold %1 in any application to talk."),
        translate("Messages", "Press %1 in any application to start and stop talking."),
        translate("Messages", "%1 works while this window is in front."),
        translate("Messages", "Hold %1 in any application to talk. macOS asks once for "
                  "Accessibility permission (System Settings > Privacy & Security > "
                  "Accessibility): allow Gemini Desk there so it can see this key while other "
                  "apps are in front; it never reads what you type."),
        translate("Messages", "Wayland does not let apps see keys pressed in other windows, so "
                  "%1 works while this window is in front. For a key that works everywhere, "
                  "add a keyboard shortcut in your desktop's settings that runs 'gemini-desk "
                  "--ptt toggle' (or '--ptt press' and '--ptt release')."),
        # vision/
        translate("Messages", "No camera found. Plug one in (or allow camera access) and try "
                  "again."),
        translate("Messages", "The camera stopped working: %1."),
        translate("Messages", "Screen capture is not available here: %1."),
        translate("Messages", "That window cannot be captured: %1."),
        translate("Messages", "This display has no screen to capture; the camera may still "
                  "work."),
        translate("Messages", "macOS asks for Screen Recording permission the first time you "
                  "share."),
        translate("Messages", "On Wayland, apps may not read the screen directly: your "
                  "desktop asks you which screen or window to share, and the region is cut "
                  "from that. The sharing frame cannot be placed precisely, and picking a "
                  "window needs the desktop's own dialog."),
        translate("Messages", "Running through XWayland: only other X11 apps' windows can be "
                  "captured; start with QT_QPA_PLATFORM=wayland to share through the desktop "
                  "portal."),
        translate("Messages", "unknown error"),
        # keystore.py, app.py (where the API key is kept)
        translate("Messages", "Using the key from the %1 environment variable."),
        translate("Messages", "Your key is stored in the system keyring."),
        translate("Messages", "No system keyring is available: the key is kept in memory "
                  "until you quit. Set GEMINI_API_KEY to avoid typing it again."),
        translate("Messages", "No API key set (demo mode)."),
    ]  # fmt: skip


TEMPLATES: tuple[str, ...] = tuple(english for english, _ in _catalogue())


@functools.lru_cache(maxsize=4)
def _patterns(language_probe: str) -> list[tuple[re.Pattern[str], str]]:
    """(regex of the English template, its translation), most specific first.

    ``language_probe`` is one entry as translated now: the cache is per language.
    """
    out = []
    for english, translated in _catalogue():
        parts = re.split(r"(%\d)", english)
        regex = "".join("(.+?)" if re.fullmatch(r"%\d", p) else re.escape(p) for p in parts)
        out.append((re.compile(f"^{regex}$", re.S), translated, english))
    # Templates with more fixed text are tried first.
    out.sort(key=lambda item: -len(re.sub(r"%\d", "", item[2])))
    return [(pattern, translated) for pattern, translated, _ in out]


def translate_message(text: str) -> str:
    """``text`` in the UI language, if it is (or is built from) a catalogued message."""
    if not text:
        return text
    probe = QCoreApplication.translate("Messages", "unknown error")
    for pattern, translated in _patterns(probe):
        found = pattern.match(text)
        if found is None:
            continue
        values = [translate_message(v) for v in found.groups()]
        for i, value in enumerate(values, start=1):
            translated = translated.replace(f"%{i}", value)
        return translated
    return text


def reset() -> None:
    """Forget cached translations (after the language changed)."""
    _patterns.cache_clear()
