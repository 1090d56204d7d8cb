"""The google-genai adapter: connect config, receive loop, errors as core events."""
