"""PySide6 widgets: one module per widget, no business logic."""
