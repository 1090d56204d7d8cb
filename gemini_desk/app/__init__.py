"""The application: process entry (main), composition root (desk), CLI and self-test."""

from gemini_desk.app.main import main

__all__ = ["main"]
