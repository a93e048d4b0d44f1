"""Start Forum Kiosk: ``python main.py [options] [COMMAND]`` (the same as the ``kiosk`` command)."""

import sys

from kiosk.app import main

if __name__ == "__main__":  # spawned worker processes re-import this file: they must not start the app
    sys.exit(main())
