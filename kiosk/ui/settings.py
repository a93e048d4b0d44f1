"""The desk's own settings (station, session, operator, language, sound), kept between runs.

A small JSON file in the platform's config folder, or in ``$KIOSK_CONFIG_DIR`` when set (tests).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from kiosk.paths import default_config_dir

FILE_NAME = "desk-window.json"


def config_dir() -> Path:
    override = os.environ.get("KIOSK_CONFIG_DIR")
    return Path(override) if override else default_config_dir()


@dataclass
class DeskSettings:
    station: str = ""
    session: str = ""
    operator: str = ""
    language: str = "zh"
    muted: bool = False
    last_data_dir: str = ""
    camera: str = "off"  # "off", "" (the default camera) or a camera id from kiosk.ui.camera.camera_choices()

    @classmethod
    def load(cls, path: Path | None = None) -> DeskSettings:
        path = path or config_dir() / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for name, value in raw.items():
            if name in known and isinstance(value, bool if name == "muted" else str):
                values[name] = value
        settings = cls(**values)
        if settings.language not in {"zh", "en"}:
            settings.language = "zh"
        return settings

    def save(self, path: Path | None = None) -> None:
        path = path or config_dir() / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        temporary.replace(path)
