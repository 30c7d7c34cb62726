"""The audit's frozen hash formats (halldesk-audit-v1 and -v2): what a row signs, how rows link, a case's or paper's hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, Text, cast, select, type_coerce

from desktop.store.models import Case, CaseIdentifier, Document
from desktop.store.packed_json import PackedJSON, RawBytes, hash_text

GENESIS = "0" * 64
SCHEME = "halldesk-audit-v1"
# NOTE (issue 15, migration 0019): a v2 row signs its content and the head its window saw before
# signing, not its own place; the place (seq and the link to the row before) is added by whoever
# holds the chain's lock — on PostgreSQL the server, inside one exchange — with keyless SHA-256
# links. Why that still proves order and completeness: see signed_hash_v2 and README "The audit".
SCHEME_V2 = "halldesk-audit-v2"

# NOTE: named, not "every column": a later migration that adds a column to cases must not make
# every case audited before it look changed. A new column joins the hash with a new SCHEME.
#
# NOTE (issue 16), why "plate_no" and "frame_no" are still named here although no store table has them
# and they are the e-bike package's identifier kinds: this tuple is a frozen hash format
# (halldesk-audit-v1), not a list of a service's fields. Every case hash ever signed — a 居住证 case's too,
# as ["plate_no", null] — holds these two names at these places, so verifying *any* case needs them,
# whichever service packages are installed; were they taken from the e-bike package, a hall's audit would
# verify differently with and without it (and the verifier, desktop/store/audit_verify.py, never imports
# the case layer). Since
# migration 0016 they are read from case_identifiers rows of the same kind (``_stored``); the e-bike
# package records its plate and frame number under exactly these kinds, and a test holds it to that
# (tests/desktop/cases/test_service_tables.py). A new service's identifiers never join this tuple.
IDENTIFIER_COLUMNS = ("plate_no", "frame_no")  # v1 case columns that migration 0016 moved to case_identifiers
CASE_COLUMNS = (
    "case_no", "service_id", "status", "applicant_name", "id_number", "phone", "plate_no", "frame_no",
    "window", "clerk_id", "created_at", "updated_at", "received_on", "accepted_on", "due_on", "decision",
    "answers", "materials", "assessment", "rules_version", "calendar_version", "lifecycle", "closed_on",
)
DOCUMENT_COLUMNS = ("case_id", "kind", "title", "snapshot", "copy_no", "reprint_reason", "printed_at",
                    "printed_by", "window", "sha256")


def dumps(value: Any) -> str:
    """The canonical JSON that is hashed and signed (sorted keys, no spaces, CJK as it is)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(at: datetime, actor: str | None, window: str | None, action: str,
               case_id: int | None, detail: dict[str, Any], prev_hash: str) -> str:
    """The plain SHA-256 of a row written before migration 0010 (kept to check those rows)."""
    payload = json.dumps(
        [at.isoformat(timespec="microseconds"), actor, window, action, case_id, detail, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def signed_hash(key: bytes, chain_id: str, seq: int, at: datetime, actor: str | None, window: str | None,
                action: str, case_id: int | None, detail: dict[str, Any], case_hash: str | None,
                document_id: int | None, document_hash: str | None, key_id: str, prev_hash: str) -> str:
    """HMAC-SHA256 with the hall key over everything a row says, its place and the row before."""
    payload = dumps([SCHEME, chain_id, seq, at.isoformat(timespec="microseconds"), actor, window, action,
                      case_id, detail, case_hash, document_id, document_hash, key_id, prev_hash])
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_hash_v2(key: bytes, chain_id: str, nonce: str, seen_seq: int, seen_link: str, at: datetime,
                   actor: str | None, window: str | None, action: str, case_id: int | None, detail: dict[str, Any],
                   case_hash: str | None, document_id: int | None, document_hash: str | None, key_id: str) -> str:
    """HMAC-SHA256 with the hall key over everything a v2 row says and the chain's head its writer saw.

    NOTE: ``seen_seq`` / ``seen_link`` are the chain's head (seq, link) read in the writing transaction
    before signing; it may be a few rows behind the row's own place (other windows committed in
    between), never ahead. Signing it makes every later row a keyed witness of the whole chain up to
    what it saw: deleting, inserting or reordering anything at or before a witnessed place changes the
    recomputed link there, which nobody without the key can re-sign. ``nonce`` (random, per row) makes
    every signature unique, so a copied row is a duplicate that `verify` finds."""
    payload = dumps([SCHEME_V2, chain_id, nonce, seen_seq, seen_link, at.isoformat(timespec="microseconds"), actor,
                     window, action, case_id, detail, case_hash, document_id, document_hash, key_id])
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def link_of(seq: int, prev_hash: str, digest: str, nonce: str | None) -> str:
    """The chain's value after a row: a v1 row's own hash (its HMAC covers its place), a v2 row's
    SHA-256 of the link before it, its place and its signature.

    NOTE: the same text the PostgreSQL writer hashes in SQL (migration 0019's halldesk_audit_place_v2):
    ``sha256(prev_hash || '|' || seq || '|' || hash)`` as lowercase hex."""
    if nonce is None:
        return digest
    return hashlib.sha256(f"{prev_hash}|{seq}|{digest}".encode("ascii")).hexdigest()


def stored_texts(conn: Connection, table: Table, columns: Sequence[str],
                 ids: Iterable[int]) -> dict[int, tuple[str | None, ...]]:
    """The columns of rows exactly as stored (as text: a flipped byte in JSON changes it, nothing fails to parse)."""
    ids = list(ids)
    if not ids:
        return {}
    # NOTE: a packed JSON column (migration 0017) is hashed as the JSON text it stands for, which for
    # a row from before 0017 is exactly the text that was stored and hashed then.
    packed = [column in table.c and isinstance(table.c[column].type, PackedJSON) for column in columns]
    query = select(table.c.id, *[type_coerce(table.c[c], RawBytes()) if p else stored_column(table, c)
                                 for c, p in zip(columns, packed, strict=True)]).where(table.c.id.in_(ids))
    return {row[0]: tuple(hash_text(v) if p else v for v, p in zip(row[1:], packed, strict=True))
            for row in conn.execute(query)}


def stored_column(table: Table, column: str):
    """A column as stored text; a hashed case column that moved to case_identifiers is read from there.

    NOTE (issue 16, migration 0016): cases.plate_no and cases.frame_no became identifier rows of the
    same kind and value, so every case hash made before still verifies, and an identifier changed behind
    the program's back still shows as a changed case."""
    if not (table is Case.__table__ and column in IDENTIFIER_COLUMNS):
        return cast(table.c[column], Text)  # NOTE: a name neither a column nor a moved one is a KeyError: a bug
    ident = CaseIdentifier.__table__
    return (select(ident.c.value).where(ident.c.case_id == table.c.id, ident.c.kind == column)
            .scalar_subquery())


def content_hash(kind: str, columns: Sequence[str], texts: Sequence[str | None]) -> str:
    """SHA-256 of a stored case or document (its named columns as text)."""
    return hashlib.sha256(dumps([SCHEME, kind, list(zip(columns, texts, strict=True))]).encode("utf-8")).hexdigest()


def case_hashes(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """The hashes of these cases as stored now, by id (one read); a case that is gone has none."""
    return {i: content_hash("case", CASE_COLUMNS, texts)
            for i, texts in stored_texts(conn, Case.__table__, CASE_COLUMNS, ids).items()}


def document_hashes(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """The hashes of these papers as stored now, by id (one read); a paper that is gone has none."""
    return {i: content_hash("document", DOCUMENT_COLUMNS, texts)
            for i, texts in stored_texts(conn, Document.__table__, DOCUMENT_COLUMNS, ids).items()}


def case_hash(conn: Connection, case_id: int) -> str | None:
    return case_hashes(conn, [case_id]).get(case_id)


def document_hash(conn: Connection, document_id: int) -> str | None:
    return document_hashes(conn, [document_id]).get(document_id)
