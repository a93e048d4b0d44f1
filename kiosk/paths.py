"""Where things live: packaged resources, the default data folder, the settings folder."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import platformdirs

APP_NAME = "forum-kiosk"


def resource(*parts: str) -> Path:
    """Path of a file or folder under ``resources/`` (installed as ``kiosk.resources``)."""
    node = files("kiosk.resources").joinpath(*parts)
    # Both a checkout (editable install) and a wheel unpack to real files; as_file makes that explicit.
    with as_file(node) as path:
        return Path(path)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
