"""Ed25519 keys: the event key (organiser's machine only) and this desk's device key.

Private keys live in files next to the database, readable only by their owner; never in the
database, the journal, a bundle or the hub. Public keys travel in the journal (``key.add``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EVENT_KEY_FILE = "event.key"
DEVICE_KEY_FILE = "device.key"
KEY_ID_BYTES = 4


class KeyFileError(RuntimeError):
    """A private key file is unreadable, malformed or readable by others."""


def key_id(public_key: bytes) -> str:
    """A short, stable id of a public key (hex of the first bytes of its SHA-256)."""
    return hashlib.sha256(public_key).digest()[:KEY_ID_BYTES].hex()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_bytes: bytes
    key_id: str

    @classmethod
    def generate(cls) -> SigningKey:
        return cls.from_private(Ed25519PrivateKey.generate())

    @classmethod
    def from_private(cls, private: Ed25519PrivateKey) -> SigningKey:
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return cls(private, public, key_id(public))

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def save_key(key: SigningKey, path: Path) -> None:
    """Write ``key`` to ``path`` (created 0600 atomically; refuses to overwrite)."""
    raw = key.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(raw.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_key(path: Path) -> SigningKey | None:
    """The key at ``path``, or None if there is no such file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{path} is readable by other users; run: chmod 600 {path}")
    try:
        raw = bytes.fromhex(path.read_text().strip())
        return SigningKey.from_private(Ed25519PrivateKey.from_private_bytes(raw))
    except (ValueError, OSError) as error:
        raise KeyFileError(f"{path} is not a valid key file: {error}") from None


def load_or_create_key(path: Path) -> SigningKey:
    key = load_key(path)
    if key is None:
        key = SigningKey.generate()
        save_key(key, path)
    return key


@lru_cache(maxsize=256)
def _public_key(public_key: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public_key)


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    try:
        _public_key(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def certificate_message(device_id: str, public_key: bytes) -> bytes:
    """What the event key signs to certify a desk's device key."""
    return b"forum-kiosk device certificate\x00" + device_id.encode() + b"\x00" + public_key
