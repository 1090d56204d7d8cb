"""The keys a Wayland desktop bound through its shortcuts portal, in the Settings dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _row_label(dialog: SettingsDialog, field: QLabel) -> str | None:
    """The form label of ``field``'s row, or None when it is in no form row."""
    for layout in dialog.findChildren(QFormLayout):
        label = layout.labelForField(field)
        if isinstance(label, QLabel):
            return label.text()
    return None


def test_settings_show_the_desktops_keys_only_when_it_bound_them(qapp) -> None:  # noqa: F811
    chosen = {"talk": "Pause", "mute": "Ctrl+Alt+M"}
    dialog = SettingsDialog(
        Settings(), [], [], message(MessageId.KEY_IN_KEYRING), desktop_keys=chosen
    )
    dialog.open()
    dialog.tabs.setCurrentIndex(3)  # Talk & keys
    process_events()
    field = dialog.talk.desktop_keys
    assert field.isVisible()
    assert field.text().startswith("Talk: Pause. Mute: Ctrl+Alt+M.")
    assert _row_label(dialog, field) == "Your desktop's keys:"
    assert dialog.talk.values()["ptt_hotkey"] == "ctrl+alt+space", "what we ask stays editable"
    dialog.reject()
    only_talk = SettingsDialog(
        Settings(), [], [], message(MessageId.KEY_IN_KEYRING), desktop_keys={"talk": "F9"}
    )
    assert only_talk.talk.desktop_keys.text().startswith("Talk: F9. Mute: none.")
    plain = SettingsDialog(Settings(), [], [], message(MessageId.KEY_IN_KEYRING))
    plain.open()
    process_events()
    assert (
        not plain.talk.desktop_keys.isVisible()
        and _row_label(plain, plain.talk.desktop_keys) is None
    )
    plain.reject()
    for d in (dialog, only_talk, plain):
        d.deleteLater()
