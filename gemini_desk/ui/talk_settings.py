"""The "Talking" rows of the settings dialog: talk mode, hold or toggle, the hotkeys and
the sound cues."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QWidget

from gemini_desk.core.settings import Settings
from gemini_desk.hotkeys.combo import DEFAULT_MUTE_COMBO, DEFAULT_TALK_COMBO
from gemini_desk.ui.hotkey_edit import HotkeyEdit


class TalkSettings(QWidget):
    """Edits ``talk_mode``, ``ptt_behaviour``, ``ptt_hotkey``, ``mute_hotkey`` and
    ``sound_cues``.

    ``desktop_keys`` (``{"talk": …, "mute": …}``): the keys the desktop bound through
    its shortcuts portal (Wayland), shown under the key fields; they may differ from the
    keys asked for, and the desktop's choice is the one that works.
    """

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        desktop_keys: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.desktop_keys = QLabel()
        self.desktop_keys.setObjectName("settingsDesktopKeys")
        self.desktop_keys.setWordWrap(True)
        if desktop_keys:
            none = self.tr("none")
            self.desktop_keys.setText(
                self.tr("Talk: %1. Mute: %2. Changing the keys above asks the desktop again.")
                .replace("%1", desktop_keys.get("talk") or none)
                .replace("%2", desktop_keys.get("mute") or none)
            )
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("settingsTalkMode")
        self.mode_combo.addItem(self.tr("Hands-free (it hears when you speak)"), "hands_free")
        self.mode_combo.addItem(self.tr("Push-to-talk (only while you talk)"), "push_to_talk")
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(settings.talk_mode)))
        self.mode_combo.setAccessibleName(self.tr("Talk mode"))
        self.behaviour_combo = QComboBox()
        self.behaviour_combo.setObjectName("settingsPttBehaviour")
        self.behaviour_combo.addItem(self.tr("Hold the key while speaking"), "hold")
        self.behaviour_combo.addItem(self.tr("Press once to start, again to stop"), "toggle")
        self.behaviour_combo.setCurrentIndex(
            max(0, self.behaviour_combo.findData(settings.ptt_behaviour))
        )
        self.behaviour_combo.setAccessibleName(self.tr("Talk key behaviour"))
        self.talk_key = HotkeyEdit(settings.ptt_hotkey, DEFAULT_TALK_COMBO)
        self.talk_key.setObjectName("settingsTalkKey")
        self.talk_key.setAccessibleName(self.tr("Talk key"))
        self.mute_key = HotkeyEdit(settings.mute_hotkey, DEFAULT_MUTE_COMBO)
        self.mute_key.setObjectName("settingsMuteKey")
        self.mute_key.setAccessibleName(self.tr("Mute key"))
        self.cues_check = QCheckBox(
            self.tr("Play a soft tone &when talking starts or stops, and on mute")
        )
        self.cues_check.setObjectName("settingsSoundCues")
        self.cues_check.setChecked(settings.sound_cues)
        self.mode_combo.currentIndexChanged.connect(self._update_enabled)
        self._update_enabled()

    def _update_enabled(self, *_: object) -> None:
        """The key behaviour and the talk key only matter in push-to-talk."""
        ptt = self.mode_combo.currentData() == "push_to_talk"
        why = "" if ptt else self.tr("Only used in push-to-talk.")
        for widget in (self.behaviour_combo, self.talk_key):
            widget.setEnabled(ptt)
        self.behaviour_combo.setToolTip(why)
        self.talk_key.setToolTip(why or self.talk_key.hint)

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow(self.tr("&Talk mode:"), self.mode_combo)
        form.addRow(self.tr("Talk key &behaviour:"), self.behaviour_combo)
        form.addRow(self.tr("Ta&lk key:"), self.talk_key)
        form.addRow(self.tr("&Mute key:"), self.mute_key)
        form.addRow(self.tr("Sound cues:"), self.cues_check)
        if self.desktop_keys.text():
            form.addRow(self.tr("Your desktop's keys:"), self.desktop_keys)

    def values(self) -> dict[str, Any]:
        return {
            "talk_mode": str(self.mode_combo.currentData()),
            "ptt_behaviour": str(self.behaviour_combo.currentData()),
            "ptt_hotkey": self.talk_key.combo.text,
            "mute_hotkey": self.mute_key.combo.text,
            "sound_cues": self.cues_check.isChecked(),
        }
