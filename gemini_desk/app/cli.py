"""Command-line options of gemini-desk."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from gemini_desk import __version__
from gemini_desk.core.models import DEFAULT_MODEL
from gemini_desk.vision.geometry import Rect, parse_region

EPILOG = """\
With no API key (none in GEMINI_API_KEY / GOOGLE_API_KEY or the system keyring) the app
offers a demo that talks to a local Live server on this computer.
GOOGLE_GEMINI_BASE_URL and SSL_CERT_FILE are honoured like in any google-genai program.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gemini-desk",
        description="A desktop voice assistant for the Gemini Live API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in local Live server instead of Google's service",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="talk to this Live server (https://host:port) instead of Google's",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help=f"model for this run, kept even if the service no longer lists it "
        f"(default: the one chosen in Settings, first {DEFAULT_MODEL})",
    )
    parser.add_argument("--connect", action="store_true", help="connect as soon as the app starts")
    parser.add_argument(
        "--share-region",
        metavar="X,Y,W,H",
        type=_region,
        help="share this screen region (logical pixels) with the model from the start; "
        "write --share-region=X,Y,W,H when X is negative",
    )
    parser.add_argument(
        "--mic", metavar="DEVICE", help="input device name (or part of it) or index"
    )
    parser.add_argument(
        "--speaker", metavar="DEVICE", help="output device name (or part of it) or index"
    )
    parser.add_argument(
        "--log-level",
        metavar="LEVEL",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="DEBUG, INFO (default), WARNING or ERROR",
    )
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Gemini Desk to this user's application menu (icons included) and exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="run a headless smoke test (local server, one text turn) and exit",
    )
    parser.add_argument(
        "--ptt",
        choices=["press", "release", "toggle"],
        help="push-to-talk in the running app (bind it to a desktop shortcut, e.g. on Wayland)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _region(text: str) -> Rect:
    try:
        return parse_region(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
