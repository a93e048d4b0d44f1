"""Badges, invitations and print dispatch; plain data in, PDF out; no Qt, no database.

- ``kiosk.printing.layout``: ``load_layout``, ``list_layouts``, ``LayoutError`` (resources/layouts/*.json)
- ``kiosk.printing.badge``: ``BadgeData``, ``render_badges``, ``render_badge``, ``category_label``
- ``kiosk.printing.invitation``: ``InvitationData``, ``render_invitations``
- ``kiosk.printing.fonts``: ``register_fonts``, ``MissingGlyphs``, ``FontNotFound``
- ``kiosk.printing.backends``: ``PrintBackend``, ``JobState``, ``JobStatus``, ``PdfFileBackend``,
  ``CupsBackend``, ``list_printers``, ``PrintError``
"""
