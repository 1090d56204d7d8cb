"""Command line: serve the local Live API sim until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence

from .catalogue import API_VERSIONS, LIVE_MODEL_IDS, RECOMMENDED_MODEL
from .config import SimConfig
from .server import SimServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gemini_desk.sim",
        description=(
            "Local stand-in for the Gemini Live API (TLS websocket on 127.0.0.1). "
            "It echoes your speech back and says what it received: no real model, "
            "voices or reasoning."
        ),
        epilog=(
            f"Live models: {', '.join(LIVE_MODEL_IDS)} (recommended: {RECOMMENDED_MODEL}). "
            f"API versions: {', '.join(API_VERSIONS)}. Besides the Live websocket it answers "
            "GET /{version}/models and /{version}/models/{id} like the service's ListModels. "
            'Typing "call <name>" calls a declared function (blocking or not, as the model '
            "does); with Google Search declared, a search-like question gets placeholder "
            "sources on example.org."
        ),
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: any free port)")
    parser.add_argument("--api-key", default="demo-key", help="API key to accept")
    parser.add_argument(
        "--cert-dir", default=None, help="where to write ca.pem (default: a fresh temp dir)"
    )
    parser.add_argument(
        "--silence-ms", type=int, default=500, help="silence that ends a spoken turn"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every session")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    config = SimConfig(api_key=args.api_key, vad_silence_ms=args.silence_ms)
    server = SimServer(config, port=args.port, cert_dir=args.cert_dir)
    await server.start()
    try:
        key_line = (
            "GEMINI_API_KEY=demo-key"
            if args.api_key == "demo-key"
            else ("GEMINI_API_KEY=<the key given with --api-key>")
        )
        print(f"Gemini Live sim listening on {server.base_url}", flush=True)
        print(f"CA certificate: {server.ca_file}", flush=True)
        print("Use it from any google-genai program with:", flush=True)
        print(f"  GOOGLE_GEMINI_BASE_URL={server.base_url}", flush=True)
        print(f"  SSL_CERT_FILE={server.ca_file}", flush=True)
        print(f"  {key_line}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
