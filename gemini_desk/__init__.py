"""gemini-desk: a desktop voice assistant for the Gemini Live API."""

__version__ = "0.1.0"
