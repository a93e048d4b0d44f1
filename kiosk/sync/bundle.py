"""Signed bundle files: journal entries carried on a USB stick instead of the network.

Layout (UTF-8 text, one JSON object per line)::

    {"format": "forum-kiosk-bundle", "version": 1, "event_id": …, "device_id": …, "key_id": …,
     "public_key": hex, "count": n, "created": epoch ms}
    one entry per line (Entry.to_wire())
    {"sha256": hex, "signature": hex}

``sha256`` is the hash of every byte before the last line; ``signature`` is the signer's Ed25519
signature over ``SIGNATURE_CONTEXT + sha256 digest``. Any changed byte breaks the hash, the JSON
or the signature, so a tampered bundle is refused whole. Whether the signer is trusted is the
reader's decision (kiosk.core.sync_service): this module only checks the file is intact and
well formed, and never sees a private key — the caller passes a ``sign`` function.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kiosk.i18n import _
from kiosk.models.clock import wall_ms
from kiosk.models.journal import BadEntry, Entry
from kiosk.sync.client import wire

FORMAT = "forum-kiosk-bundle"
VERSION = 1
SIGNATURE_CONTEXT = b"forum-kiosk bundle\x00"
MAX_BUNDLE = 512 * 1024 * 1024


class BadBundle(ValueError):
    """The file is not an intact bundle; the message says what is wrong."""


@dataclass(frozen=True)
class Bundle:
    event_id: str
    device_id: str
    key_id: str
    public_key: bytes
    entries: list[Entry]
    digest: bytes
    signature: bytes

    def signed_message(self) -> bytes:
        return SIGNATURE_CONTEXT + self.digest


def _line(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode() + b"\n"


def write_bundle(
    entries: Sequence[Entry],
    *,
    event_id: str,
    device_id: str,
    key_id: str,
    public_key: bytes,
    sign: Callable[[bytes], bytes],
) -> bytes:
    """The bytes of a bundle of ``entries`` signed with ``sign`` (the signer's Ed25519 sign)."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "event_id": event_id,
        "device_id": device_id,
        "key_id": key_id,
        "public_key": public_key.hex(),
        "count": len(entries),
        "created": wall_ms(),
    }
    body = _line(header) + b"".join(_line(wire(entry)) for entry in entries)
    digest = hashlib.sha256(body).digest()
    trailer = {"sha256": digest.hex(), "signature": sign(SIGNATURE_CONTEXT + digest).hex()}
    return body + _line(trailer)


def read_bundle(data: bytes) -> Bundle:
    """Parse and check a bundle's integrity (hash, format, every entry); raises BadBundle.

    The signature is returned, not checked: the caller knows which keys it trusts.
    """
    if len(data) > MAX_BUNDLE:
        raise BadBundle(_("the file is too large to be a bundle"))
    if not data.endswith(b"\n"):
        raise BadBundle(_("the file is truncated"))
    cut = data.rfind(b"\n", 0, len(data) - 1) + 1
    body, last = data[:cut], data[cut:]
    try:
        trailer = json.loads(last)
        digest = bytes.fromhex(trailer["sha256"])
        signature = bytes.fromhex(trailer["signature"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BadBundle(_("the signature line is missing or damaged")) from None
    if hashlib.sha256(body).digest() != digest:
        raise BadBundle(_("the content does not match its hash: the file was changed or damaged"))
    lines = body.split(b"\n")[:-1]
    try:
        header = json.loads(lines[0])
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise BadBundle(_("not a Forum Kiosk bundle of a known version"))
        meta = (str(header["event_id"]), str(header["device_id"]), str(header["key_id"]))
        public_key = bytes.fromhex(header["public_key"])
        entries = [Entry.from_wire(json.loads(line)) for line in lines[1:]]
    except BadBundle:
        raise
    except BadEntry as error:
        raise BadBundle(_("a bad entry: {error}").format(error=error)) from None
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, UnicodeDecodeError):
        raise BadBundle(_("the header or an entry is damaged")) from None
    if header.get("count") != len(entries):
        raise BadBundle(_("the number of entries does not match the header"))
    return Bundle(*meta, public_key, entries, digest, signature)
