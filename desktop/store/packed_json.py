"""JSON columns stored packed: compact UTF-8 JSON behind a one-byte marker, zlib-compressed when that is smaller.

NOTE: issue 15's storage. SQLAlchemy's JSON type wrote ``json.dumps`` defaults: spaces after every
separator and every Chinese character as a six-byte ``\\uXXXX`` escape, uncompressed; a case's
assessment (every finding with its message and basis) and its papers' snapshots were most of what
a case stored. A packed value is:

- ``0x01`` + the compact UTF-8 JSON text (``PLAIN``: when compressing would not make it smaller);
- ``0x02`` + zlib of that text with the fixed dictionary ``packed_dictionary.DICTIONARY_V1`` (``ZLIB_V1``).

Anything else is a value written before migration 0017: JSON text (a ``str`` from SQLite, or the
text's UTF-8 bytes), read as it is. ``text_of`` gives the JSON text a value stands for, which is
what the audit hashes: migration 0017 packs each old row's exact stored text, so the hash an old
audit row carries still matches its case and paper.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import LargeBinary, TypeDecorator

from desktop.store.packed_dictionary import DICTIONARY_V1

PLAIN = 0x01
ZLIB_V1 = 0x02
LEVEL = 9  # NOTE: a 3 KB value takes ≈ 0.1 ms at level 9; the case's row is written once and read rarely


# NOTE: a compressor with the dictionary loaded, copied for each value: loading 32 KB of dictionary
# into a new compressor took ≈ 0.1 ms, more than compressing a value (migration 0017's profile).
_PRIMED = zlib.compressobj(LEVEL, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY, DICTIONARY_V1)


class UnreadableValue(ValueError):
    """A packed value that does not unpack (a changed byte in the compressed data)."""


def dumps(value: Any) -> str:
    """The compact JSON text a value is stored as (no spaces, Chinese as itself)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def pack_text(text: str) -> bytes:
    """The stored bytes of a JSON text: compressed with the dictionary, or plain when that is not smaller."""
    raw = text.encode("utf-8")
    compressor = _PRIMED.copy()
    packed = compressor.compress(raw) + compressor.flush()
    if len(packed) < len(raw):
        return bytes([ZLIB_V1]) + packed
    return bytes([PLAIN]) + raw


def pack(value: Any) -> bytes:
    return pack_text(dumps(value))


def is_packed(value: bytes | str | memoryview | None) -> bool:
    """True for a value in the 0017 form (a marker byte first); False for an old row's JSON text or NULL."""
    if value is None or isinstance(value, str):
        return False
    data = bytes(value[:1])
    return bool(data) and data[0] in (PLAIN, ZLIB_V1)


def text_of(value: bytes | str | memoryview) -> str:
    """The JSON text a stored value stands for; UnreadableValue if it does not unpack."""
    if isinstance(value, str):
        return value  # a SQLite row not packed yet (before migration 0017)
    data = bytes(value)
    try:
        if data[:1] == bytes([PLAIN]):
            return data[1:].decode("utf-8")
        if data[:1] == bytes([ZLIB_V1]):
            decompressor = zlib.decompressobj(zlib.MAX_WBITS, DICTIONARY_V1)
            out = decompressor.decompress(data[1:]) + decompressor.flush()
            if not decompressor.eof:
                raise UnreadableValue("the compressed value is cut short")
            return out.decode("utf-8")
        return data.decode("utf-8")  # an old row's JSON text as bytes
    except (zlib.error, UnicodeDecodeError) as exc:
        raise UnreadableValue(str(exc)) from exc


def hash_text(value: bytes | str | memoryview | None) -> str | None:
    """What the audit hashes for a stored value: its JSON text, or a mark of the exact bytes if they do not unpack.

    NOTE: a changed byte in compressed data must make the case look changed, never stop `audit verify`."""
    if value is None:
        return None
    try:
        return text_of(value)
    except UnreadableValue:
        return "unreadable packed value " + hashlib.sha256(bytes(value)).hexdigest()  # type: ignore[arg-type]


def loads(value: bytes | str | memoryview | None) -> Any:
    """The Python value of a stored value (None for NULL)."""
    return None if value is None else json.loads(text_of(value))


class RawBytes(LargeBinary):
    """The column's bytes as the driver gives them; an old SQLite row's text stays a str (no bytes(str) error)."""

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class PackedJSON(TypeDecorator[Any]):
    """A JSON column stored packed (see the module); reads old rows' JSON text too."""

    impl = RawBytes
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else pack(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return loads(value)
