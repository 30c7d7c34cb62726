"""Packed JSON values (migration 0017): the forms a value can be stored in, and the frozen dictionary."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from desktop.store import packed_dictionary, packed_json
from forms import registry
from forms.service import assess

TODAY = date(2026, 11, 25)


def test_the_dictionary_is_frozen():
    # NOTE: every value packed with marker 0x02 needs these exact bytes to be read again.
    assert hashlib.sha256(packed_dictionary.DICTIONARY_V1).hexdigest() == packed_dictionary.SHA256
    assert len(packed_dictionary.DICTIONARY_V1) <= 32768  # zlib's window: bytes beyond it would be ignored


def test_a_real_assessment_packs_to_a_fraction_and_comes_back_the_same():
    service = registry.get("residence_permit")
    example = service.example(TODAY)
    value = assess(service, example["answers"], example["materials"], TODAY, example.get("facts", {})).to_dict()
    stored = packed_json.pack(value)
    assert stored[0] == packed_json.ZLIB_V1
    assert packed_json.loads(stored) == value
    assert len(stored) < len(json.dumps(value).encode()) / 4  # the old JSON type's text
    assert packed_json.text_of(stored) == packed_json.dumps(value)


@pytest.mark.parametrize("value", [{}, [], "x", {"a": 1}])
def test_a_value_that_does_not_compress_is_stored_plain(value):
    stored = packed_json.pack(value)
    assert stored[0] == packed_json.PLAIN and stored[1:] == packed_json.dumps(value).encode()
    assert packed_json.loads(stored) == value


def test_old_rows_read_as_their_text():
    old = json.dumps({"name": "欧阳娜娜"})  # the old JSON type: \\uXXXX and spaces
    assert packed_json.text_of(old) == old and packed_json.text_of(old.encode()) == old
    assert not packed_json.is_packed(old) and not packed_json.is_packed(old.encode())
    assert packed_json.loads(old) == {"name": "欧阳娜娜"}
    # Packing an old text keeps that exact text (what the audit hashed), not a re-serialised one.
    assert packed_json.text_of(packed_json.pack_text(old)) == old


def test_a_changed_byte_is_unreadable_and_hashes_as_its_bytes():
    stored = bytearray(packed_json.pack({"message": "户籍在郑州市以外" * 20}))
    stored[len(stored) // 2] ^= 0x01
    with pytest.raises(packed_json.UnreadableValue):
        packed_json.text_of(bytes(stored))
    mark = packed_json.hash_text(bytes(stored))
    assert mark is not None and mark.startswith("unreadable packed value ")
    assert packed_json.hash_text(None) is None
