"""Data files (layouts, translations, sounds, icons), installed as the package ``kiosk.resources``.

Find them with :func:`kiosk.paths.resource`, which works the same in a checkout and in a wheel.
"""
