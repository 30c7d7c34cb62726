"""The PySide6 widgets: they talk to desktop.cases and nothing below it."""
