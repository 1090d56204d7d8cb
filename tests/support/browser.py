"""A stand-in for the desktop's browser: QDesktopServices hands it the URLs the app
opens (http, https and file), so tests see what a click would have opened."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from tests.support.qt import qapp  # noqa: F401

SCHEMES = ("http", "https", "file")


class Browser(QObject):
    """Records every URL the app asked the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser(qapp) -> Iterator[Browser]:  # noqa: F811
    handler = Browser()
    for scheme in SCHEMES:
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)
