"""Qt-free services: one conversation, its talk mode, the model in use, voice samples."""
