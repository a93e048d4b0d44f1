"""The desk window (PySide6). The only package that imports Qt."""

from kiosk.ui.pyside_refcount import protect_none

protect_none()
