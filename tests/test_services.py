"""CI must have the real services the suite relies on; locally their tests may skip instead."""

from __future__ import annotations

import os
import socket

import pytest


@pytest.mark.skipif(not os.environ.get("KIOSK_REQUIRE_POSTGRES"), reason="only CI requires PostgreSQL")
def test_postgresql_is_reachable_in_ci():
    with socket.create_connection(("127.0.0.1", 5432), timeout=5):
        pass
