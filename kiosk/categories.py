"""Guest categories: the canonical codes, their one-byte ids in credentials, and their labels.

Below every layer (like kiosk.i18n): the database, the engine, the badges and the window share it.
"""

from __future__ import annotations

from kiosk.i18n import N_, _, translate

# Order matters: the index + 1 is the byte stored in a credential. Append only.
CATEGORIES: tuple[str, ...] = ("expert", "academic", "enterprise", "government", "media", "staff", "guest")

CATEGORY_BYTE: dict[str, int] = {name: index + 1 for index, name in enumerate(CATEGORIES)}
CATEGORY_FROM_BYTE: dict[int, str] = {value: name for name, value in CATEGORY_BYTE.items()}

_LABELS: dict[str, str] = {
    "expert": N_("Expert"),
    "academic": N_("Academic"),
    "enterprise": N_("Enterprise"),
    "government": N_("Government"),
    "media": N_("Media"),
    "staff": N_("Staff"),
    "guest": N_("Guest"),
}


def category_label(category: str, language: str | None = None) -> str:
    """The category's name in ``language`` ("zh"/"en") or the current one (the code itself if unknown)."""
    label = _LABELS.get(category)
    if label is None:
        return category
    return translate(label, language) if language else _(label)
