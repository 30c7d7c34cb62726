"""The encrypted backup file: an administrator's key pair, sealed with a passphrase, and AES-GCM chunks.

NOTE (the choice, for the data-protection officer): backups run unattended (a timer in a clerk's
session, at exit), but they leave the building on a USB stick or a share, so the program that
writes them must not be able to read them, and no secret may sit in clear on the clerk's PC.
Hence a hybrid scheme with `cryptography`'s primitives:

- The administrator sets a passphrase once. An X25519 key pair is made; the private key is sealed
  with AES-256-GCM under a key derived from the passphrase by scrypt (N=2^17, r=8, p=1: 128 MiB,
  about half a second per guess). Only the public key and the *sealed* private key are kept, in
  ``backup-key.json`` in the config folder, and a copy of that sealed record goes into each backup
  header, so a backup restores on a new PC with nothing but the file and the passphrase.
- Each backup has its own ephemeral X25519 key; ECDH with the administrator's public key and HKDF
  give a fresh AES-256-GCM content key. The payload is cut into 1 MiB chunks, each compressed and
  sealed with a nonce holding its index and a last-chunk flag, the header's hash as associated data
  (the STREAM construction): a flipped byte, a reordered, dropped or truncated chunk, or an edited
  header fails authentication.

Someone holding a backup file needs the passphrase (and pays scrypt for every guess). Someone with
the clerk's PC can write new backups but cannot read old ones without the passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"HALLDESK-BACKUP\x01"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 17, 8, 1
MIN_PASSPHRASE = 10
_KEY_AAD = b"halldesk-backup-key-v1"
_INFO = b"halldesk-backup-content-v1"
_MAX_HEADER = 1 << 16


class BackupError(Exception):
    """A backup file that cannot be used, or a wrong passphrase: a plain Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def passphrase_problem(passphrase: str, again: str | None = None) -> str | None:
    """The passphrase rule in Chinese, or None."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"备份口令至少{MIN_PASSPHRASE}个字符"
    if again is not None and passphrase != again:
        return "两次输入的备份口令不一致"
    return None


def new_key_record(passphrase: str, now: datetime | None = None) -> dict:
    """A new key pair, the private half sealed by the passphrase; nothing in it is secret in clear."""
    problem = passphrase_problem(passphrase)
    if problem:
        raise BackupError(problem)
    private = X25519PrivateKey.generate()
    public = _raw_public(private.public_key())
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    sealed = AESGCM(_kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, raw, _KEY_AAD + public)
    return {
        "version": 1,
        "id": key_id(public),
        "created": (now or datetime.now()).isoformat(timespec="seconds"),
        "public_key": _b64(public),
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "nonce": _b64(nonce),
        "sealed_private_key": _b64(sealed),
    }


def key_id(public: bytes) -> str:
    """A short fingerprint of the public key, shown to the administrator."""
    return hashlib.sha256(public).hexdigest()[:16]


def unseal(record: dict, passphrase: str) -> X25519PrivateKey:
    """The private key, or BackupError when the passphrase is wrong (or the record was changed)."""
    try:
        kdf = record["kdf"]
        if kdf["name"] != "scrypt" or not (1 << 14) <= int(kdf["n"]) <= (1 << 20):
            raise BackupError("备份文件的密钥参数无法识别。")
        public = _unb64(record["public_key"])
        kek = _kek(passphrase, _unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        raw = AESGCM(kek).decrypt(_unb64(record["nonce"]), _unb64(record["sealed_private_key"]), _KEY_AAD + public)
    except InvalidTag:
        raise BackupError("备份口令不正确（或备份文件的密钥部分已损坏），未作任何改动。") from None
    except (KeyError, TypeError, ValueError):
        raise BackupError("备份文件的密钥部分已损坏，无法使用。") from None
    private = X25519PrivateKey.from_private_bytes(raw)
    if _raw_public(private.public_key()) != public:
        raise BackupError("备份文件的密钥部分已损坏，无法使用。")
    return private


def _content_key(shared: bytes, ephemeral: bytes, public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + public, info=_INFO).derive(shared)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def public_record(record: dict) -> dict:
    """The part of a key record a backup header carries (all of it: nothing in it is clear-text secret)."""
    return {k: record[k] for k in ("version", "id", "created", "public_key", "kdf", "nonce", "sealed_private_key")}


def encrypt_stream(source: BinaryIO, out: BinaryIO, record: dict, meta: dict) -> None:
    """Write MAGIC, the header (``meta`` plus the key record) and the sealed chunks of ``source``."""
    public = X25519PublicKey.from_public_bytes(_unb64(record["public_key"]))
    ephemeral = X25519PrivateKey.generate()
    eph_raw = _raw_public(ephemeral.public_key())
    prefix = os.urandom(7)
    header = dict(meta, format=1, key=public_record(record), ephemeral_public_key=_b64(eph_raw),
                  nonce_prefix=_b64(prefix), chunk=CHUNK)
    header_bytes = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    aad = hashlib.sha256(MAGIC + header_bytes).digest()
    aes = AESGCM(_content_key(ephemeral.exchange(public), eph_raw, _unb64(record["public_key"])))
    out.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)
    index = 0
    current = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aes.encrypt(_nonce(prefix, index, last), zlib.compress(current, 6), aad)
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        current, index = following, index + 1


def read_header(handle: BinaryIO) -> tuple[dict, bytes]:
    """The header of a backup file (unauthenticated until the chunks are opened) and its raw bytes."""
    start = handle.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or start[:len(MAGIC)] != MAGIC:
        raise BackupError("这不是 HallDesk 备份文件（或文件开头已损坏）。")
    (length,) = struct.unpack(">I", start[len(MAGIC):])
    if length > _MAX_HEADER:
        raise BackupError("备份文件已损坏（文件头长度异常）。")
    header_bytes = handle.read(length)
    try:
        header = json.loads(header_bytes.decode("utf-8"))
        if not isinstance(header, dict) or header.get("format") != 1:
            raise ValueError
    except (UnicodeDecodeError, ValueError):
        raise BackupError("备份文件已损坏（文件头无法读取）。") from None
    return header, header_bytes


def decrypt_chunks(handle: BinaryIO, passphrase: str) -> tuple[dict, Iterator[bytes]]:
    """The header and an iterator of authenticated plaintext chunks; BackupError on any damage."""
    header, header_bytes = read_header(handle)
    try:
        record = header["key"]
        eph_raw = _unb64(header["ephemeral_public_key"])
        prefix = _unb64(header["nonce_prefix"])
        public = _unb64(record["public_key"])
    except (KeyError, TypeError, ValueError):
        raise BackupError("备份文件已损坏（文件头缺少密钥信息）。") from None
    private = unseal(record, passphrase)
    aes = AESGCM(_content_key(private.exchange(X25519PublicKey.from_public_bytes(eph_raw)), eph_raw, public))
    aad = hashlib.sha256(MAGIC + header_bytes).digest()
    damaged = "备份文件已损坏或被改动（校验失败），不能用于恢复。"

    def chunks() -> Iterator[bytes]:
        index = 0
        while True:
            size_bytes = handle.read(4)
            if len(size_bytes) < 4:
                raise BackupError("备份文件不完整（结尾缺失），不能用于恢复。")
            (size,) = struct.unpack(">I", size_bytes)
            sealed = handle.read(size) if size <= CHUNK + (1 << 16) else b""
            if len(sealed) != size:
                raise BackupError(damaged)
            for last in (False, True):
                try:
                    packed = aes.decrypt(_nonce(prefix, index, last), sealed, aad)
                    break
                except InvalidTag:
                    continue
            else:
                raise BackupError(damaged)
            try:
                yield zlib.decompress(packed)
            except zlib.error:  # pragma: no cover - authenticated data is what we wrote
                raise BackupError(damaged) from None
            if last:
                if handle.read(1):
                    raise BackupError(damaged)  # bytes after the last chunk: not what we wrote
                return
            index += 1

    return header, chunks()
