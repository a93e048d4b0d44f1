"""The text in a guest's (or agreement's, or staff unlock) QR code: signed, compact, case-blind.

Layout (ARCHITECTURE.md, Keys and credentials), 94 bytes before encoding::

    version|kind (1)  key id (4)  event tag (4)  subject id (16)  category (1)
    valid-until, days since 1970-01-01 (2)  serial (2)  Ed25519 signature (64)

encoded as ``FK`` + kind letter + unpadded Base32 (A–Z, 2–7): 154 characters, QR alphanumeric
mode stores it densely, and a Chinese IME or Caps Lock cannot mangle it (decoding is
case-insensitive and folds full-width characters). The signature covers the 30 bytes before it,
which include the kind, so a guest code cannot pass as an agreement code or the reverse.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.core.keys import SigningKey

VERSION = 1
PREFIX = "FK"
KIND_LETTERS = {"guest": "G", "agreement": "A", "staff": "S"}
KIND_CODES = {"guest": 1, "agreement": 2, "staff": 3}
_KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
_KIND_BY_LETTER = {letter: kind for kind, letter in KIND_LETTERS.items()}
_BODY = struct.Struct(">B4s4s16sBHH")
SIGNATURE_BYTES = 64
RAW_BYTES = _BODY.size + SIGNATURE_BYTES
_EPOCH = date(1970, 1, 1)


class MalformedCredential(ValueError):
    """Text that carries our prefix but is not a well-formed credential."""


@dataclass(frozen=True)
class Credential:
    kind: str  # guest | agreement | staff
    key_id: str  # hex
    event_tag: bytes
    subject_id: str  # UUID string of the guest / agreement / staff code
    category: int
    valid_until: date
    serial: int
    signed: bytes  # the bytes the signature covers
    signature: bytes


def event_tag(event_id: str) -> bytes:
    return hashlib.sha256(event_id.encode()).digest()[:4]


def has_prefix(text: str) -> bool:
    """True for text that claims to be one of our credentials (never to be retried as a plain code)."""
    return len(text) >= 3 and text[:2].upper() == PREFIX and text[2].isalpha()


def encode(
    key: SigningKey,
    *,
    kind: str,
    event_id: str,
    subject_id: str,
    category: int,
    valid_until: date,
    serial: int,
) -> str:
    """Sign and encode a credential."""
    body = _BODY.pack(
        (VERSION << 4) | KIND_CODES[kind],
        bytes.fromhex(key.key_id),
        event_tag(event_id),
        uuid.UUID(subject_id).bytes,
        category,
        max(0, min((valid_until - _EPOCH).days, 0xFFFF)),
        serial & 0xFFFF,
    )
    raw = body + key.sign(body)
    return PREFIX + KIND_LETTERS[kind] + base64.b32encode(raw).decode("ascii").rstrip("=")


def decode(text: str) -> Credential:
    """Parse a credential's text (already cleaned of whitespace); raises MalformedCredential."""
    if not has_prefix(text):
        raise MalformedCredential("no credential prefix")
    letter = text[2].upper()
    kind = _KIND_BY_LETTER.get(letter)
    if kind is None:
        raise MalformedCredential("unknown credential kind")
    encoded = text[3:].upper()
    if len(encoded) != _encoded_length():
        raise MalformedCredential("wrong length (truncated or extended)")
    try:
        raw = base64.b32decode(encoded + "=" * (-len(encoded) % 8))
    except (binascii.Error, ValueError):
        raise MalformedCredential("not Base32") from None
    if len(raw) != RAW_BYTES:
        raise MalformedCredential("wrong length")
    if base64.b32encode(raw).decode("ascii").rstrip("=") != encoded:
        # The last character carries 3 unused bits: only the canonical spelling is a credential.
        raise MalformedCredential("not canonical Base32")
    body, signature = raw[: _BODY.size], raw[_BODY.size :]
    version_kind, key_id, tag, subject, category, days, serial = _BODY.unpack(body)
    if version_kind >> 4 != VERSION:
        raise MalformedCredential("unsupported version")
    if _KIND_BY_CODE.get(version_kind & 0x0F) != kind:
        raise MalformedCredential("prefix does not match the signed kind")
    return Credential(
        kind=kind,
        key_id=key_id.hex(),
        event_tag=tag,
        subject_id=str(uuid.UUID(bytes=subject)),
        category=category,
        valid_until=_EPOCH + timedelta(days=days),
        serial=serial,
        signed=body,
        signature=signature,
    )


def _encoded_length() -> int:
    return (RAW_BYTES * 8 + 4) // 5
