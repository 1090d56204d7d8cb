"""What ends a notice, wired: the connection banner follows the connection, a share
that starts ends the notices about sharing, "Retry now" and "Retry" reach the
conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gemini_desk.core.desk_state import SessionStatus, Shared
from gemini_desk.core.observable import Observable
from gemini_desk.ui.notices import Condition

if TYPE_CHECKING:
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["wire_notices"]


def wire_notices(
    window: MainWindow, conversation: Conversation, shared: Observable[Shared | None]
) -> None:
    """Connect the window's notices and banner to the conversation and to sharing."""

    def status(_old: SessionStatus, new: SessionStatus) -> None:
        window.connection_banner.show_status(new)

    def share(_old: Shared | None, new: Shared | None) -> None:
        if new is not None:
            window.notices.condition(Condition.SHARING)

    conversation.status.subscribe(status)
    shared.subscribe(share)
    window.retryNowRequested.connect(conversation.retry_now)
    window.resendRequested.connect(conversation.resend)
