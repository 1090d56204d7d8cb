"""The Share menu, the "Sharing" badge with one-click Stop, and the sent-frame preview."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from gemini_desk.core.desk_state import Shared, ShareKind
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.share_preview import SharePreview
from gemini_desk.ui.theme import follow_palette

translate = QCoreApplication.translate


def shared_text(shared: Shared) -> str:
    """What is shared, in words, e.g. "a 1200 x 600 region" or "the screen"."""
    if shared.kind is ShareKind.SCREEN:
        return translate("ScreenSharing", "the screen")
    if shared.kind is ShareKind.WINDOW:
        return translate("ScreenSharing", "the window “%1”").replace("%1", shared.name)
    if shared.kind is ShareKind.CAMERA:
        return translate("ScreenSharing", "the camera (%1)").replace("%1", shared.name)
    if shared.width <= 0 or shared.height <= 0:  # Wayland: chosen on the stream, soon
        return translate("ScreenSharing", "a region (choose it on the picture)")
    region = translate("ScreenSharing", "a %1 \u00d7 %2 region")
    return region.replace("%1", str(shared.width)).replace("%2", str(shared.height))


class ShareBar(QWidget):
    """Hidden until something is shared; then a red badge, a Stop button and the preview.

    Signals:
        regionRequested(): "Share a region…" (Ctrl+Shift+S).
        screenRequested(): "Share the whole screen".
        windowRequested(): "Share a window…".
        cameraRequested(): "Share the camera…".
        stopRequested(): the Stop button or "Stop sharing" (Ctrl+Shift+X).
        sharpToggled(bool): "Sharp text" on or off.
    """

    regionRequested = Signal()
    screenRequested = Signal()
    windowRequested = Signal()
    cameraRequested = Signal()
    stopRequested = Signal()
    sharpToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareBar")
        self.badge = QLabel()
        self.badge.setObjectName("sharingBadge")
        follow_palette(
            self.badge,
            lambda: (
                f"QLabel#sharingBadge {{ background: {hex_of('sharing.badge.bg')};"
                f" color: {hex_of('sharing.badge.fg')}; font-weight: bold;"
                " border-radius: 10px; padding: 3px 10px; }"
            ),
        )
        self.stop_button = QPushButton(self.tr("Stop sharing"))
        self.stop_button.setObjectName("stopSharingButton")
        self.stop_button.setAccessibleName(self.tr("Stop sharing"))
        self.stop_button.clicked.connect(self.stopRequested)
        self.note = QLabel()
        self.note.setObjectName("sharingNote")
        self.note.setWordWrap(True)
        self.preview = SharePreview(side=128)  # compact: the transcript keeps the room
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        centre = Qt.AlignmentFlag.AlignVCenter
        row.addWidget(self.badge, 0, centre)
        row.addWidget(self.stop_button, 0, centre)
        row.addWidget(self.note, 1, centre)
        row.addWidget(self.preview)

        self.menu = QMenu(self.tr("Sh&are"), self)
        self.region_action = self._action(
            self.tr("Share a &region…"), self.regionRequested, "Ctrl+Shift+S"
        )
        self.screen_action = self._action(self.tr("Share the whole &screen"), self.screenRequested)
        self.window_action = self._action(self.tr("Share a &window…"), self.windowRequested)
        self.camera_action = self._action(self.tr("Share the &camera…"), self.cameraRequested)
        self.menu.addSeparator()
        self.sharp_action = QAction(self.tr("S&harp text (send at native size)"), self)
        self.sharp_action.setCheckable(True)
        self.sharp_action.toggled.connect(self.sharpToggled)
        self.menu.addAction(self.sharp_action)
        self.menu.addSeparator()
        self.stop_action = self._action(
            self.tr("S&top sharing"), self.stopRequested, "Ctrl+Shift+X"
        )
        self.menu.setToolTipsVisible(True)  # a disabled item says why
        self.set_sharing(None)

    def set_available(self, screens: bool, windows: bool) -> None:
        """Disable what cannot work on this desktop, with the reason as its tooltip."""
        no_screen = self.tr("This display has no screen that apps can capture.")
        no_windows = self.tr(
            "This desktop does not let apps capture single windows; share a region "
            "around the window instead."
        )
        for action, ok, why in (
            (self.region_action, screens, no_screen),
            (self.screen_action, screens, no_screen),
            (self.window_action, windows and screens, no_windows),
        ):
            action.setEnabled(ok)
            action.setToolTip("" if ok else why)

    def _action(self, text: str, signal: SignalInstance, shortcut: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(signal)
        self.menu.addAction(action)
        return action

    def set_sharing(self, what: Shared | None, note: str = "") -> None:
        """Show the badge for ``what`` (e.g. "a 1200 x 600 region"), or hide it all (None)."""
        sharing = what is not None
        self.setVisible(sharing)
        self.stop_action.setEnabled(sharing)
        if what is not None:
            self.badge.setText(self.tr("● Sharing %1").replace("%1", shared_text(what)))
            self.badge.setToolTip(self.tr("The model sees this; click Stop to end it"))
        else:
            self.preview.clear()
        self.note.setText(note)

    def set_note(self, note: str) -> None:
        self.note.setText(note)

    def set_sharp(self, sharp: bool) -> None:
        blocked = self.sharp_action.blockSignals(True)
        self.sharp_action.setChecked(sharp)
        self.sharp_action.blockSignals(blocked)
