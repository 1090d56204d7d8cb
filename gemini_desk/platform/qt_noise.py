"""Qt warnings that say nothing about the app: logged at DEBUG instead of WARNING."""

from __future__ import annotations

import re

# Qt Wayland's text-input-v3 client warns when it disables text input on a surface the
# compositor never "entered" (``zwp_text_input_v3.enter``): Qt calls disable whenever
# the focus widget changes, entered or not, then complains and does nothing. Seen here on
# headless sway 1.7 (a seat with no keyboard: text input is never entered) at start-up
# and at quit, and "Trying to enable … but … has focus" when a dialog takes the focus
# with a keyboard on the seat; desktop users report the same family from focus hand-overs
# (transmission/transmission#7322, FashionFreedom/Seamly2D#1690). Turning the
# protocol off (QT_WAYLAND_TEXT_INPUT_PROTOCOL) would cost input methods (Chinese), so
# only these lines are demoted.
_DEMOTED = {
    "qt.qpa.wayland.textinput": re.compile(
        r"QWaylandTextInputv3::(disableSurface|enableSurface|zwp_text_input_v3_leave)"
        r"\(wl_surface\*\) (Trying to disable|Try to disable|Trying to enable|Try to enable|"
        r"Got leave event)"
    ),
}


def is_noise(category: str, message: str) -> bool:
    """True for a Qt message known to be harmless (see above)."""
    pattern = _DEMOTED.get(category)
    return pattern is not None and pattern.search(message) is not None
