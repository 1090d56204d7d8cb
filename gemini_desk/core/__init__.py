"""Pure-Python model of gemini-desk: no Qt, no sounddevice, no google.genai, no sockets."""
