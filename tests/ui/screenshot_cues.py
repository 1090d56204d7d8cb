"""Screenshots of what issue 21's cues branch changed, for looking at it (not a test).

Usage: python tests/ui/screenshot_cues.py OUT_PREFIX [--dark] [--lang zh_CN]
Writes OUT_PREFIX-audio.png (Settings > Audio: devices by the sound server's names),
OUT_PREFIX-talk.png (Settings > Talk & keys: the sound-cue switch) and
OUT_PREFIX-voice.png (Settings > Voice & model: the default instruction in the UI
language). Run under Xvfb (QT_QPA_PLATFORM=xcb), with
QT_SCALE_FACTOR=2 for HiDPI; tests/ui/screenshot_tools.py shows the tool rows and the
approval card.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.palettes import dark_palette

INPUTS = [
    ("pulse:alsa_input.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
    ("pulse:alsa_input.usb-Logitech_H390-00.mono-fallback", "H390 Headset Mono"),
]
OUTPUTS = [
    ("pulse:alsa_output.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
    ("pulse:alsa_output.usb-Logitech_H390-00.analog-stereo", "H390 Headset Analog Stereo"),
    ("pulse:alsa_output.pci-0000_01_00.1.hdmi-stereo", "GA104 High Definition Audio (HDMI)"),
]


def save(widget: QWidget, path: str) -> None:
    if not widget.grab().save(path):
        raise SystemExit(f"could not write {path}")
    print(path)


def main() -> int:
    prefix = sys.argv[1]
    app = QApplication(sys.argv[:1])
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    if "--lang" in sys.argv:
        install_translators(app, sys.argv[sys.argv.index("--lang") + 1])
    settings = Settings(
        talk_mode="push_to_talk",
        input_device=INPUTS[1][0],
        output_device="pulse:bluez_output.00_1B_66_AA_BB_CC.1",  # unplugged now
        device_names={"pulse:bluez_output.00_1B_66_AA_BB_CC.1": "WH-1000XM4"},
    )
    dialog = SettingsDialog(settings, INPUTS, OUTPUTS, message(MessageId.KEY_IN_KEYRING))
    dialog.show()
    pages = {"voice": 1, "audio": 2, "talk": 3}

    def finish() -> None:
        for name, page in pages.items():
            dialog.tabs.setCurrentIndex(page)
            app.processEvents()
            save(dialog, f"{prefix}-{name}.png")
        dialog.tabs.setCurrentIndex(pages["audio"])
        app.processEvents()
        dialog.output_combo.showPopup()
        app.processEvents()
        QTimer.singleShot(300, popup)

    def popup() -> None:
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        shot = screen.grabWindow(0)
        geo = dialog.frameGeometry()
        ratio = shot.devicePixelRatio()
        area = shot.copy(
            int(geo.x() * ratio),
            int(geo.y() * ratio),
            int(geo.width() * ratio),
            int(geo.height() * ratio),
        )
        area.save(f"{prefix}-speakers.png")
        print(f"{prefix}-speakers.png")
        dialog.output_combo.hidePopup()
        dialog.close()
        app.quit()

    QTimer.singleShot(600, finish)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
