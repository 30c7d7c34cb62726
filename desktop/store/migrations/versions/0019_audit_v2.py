"""The audit's v2 rows: signed before their place is known, placed and linked under the chain's lock (issue 15).

Revision ID: 0019
Revises: 0018

NOTE: a v1 row's HMAC covers its seq and the row before, so a window had to hold the hall-wide
chain lock while the head travelled to it, it signed, and the rows travelled back: two exchanges
plus the window's own wait for a core. A v2 row signs its content, a random ``nonce`` and the head
its window saw before signing (``seen_seq`` and that row's link); the row's seq and its keyless
SHA-256 link to the row before are added under the lock, on PostgreSQL by the INSERT itself
(desktop/store/audit.py), so the lock is held only inside the server. Old rows stay as they are;
the first v2 row links onto the last one. Both columns are NULL on every older row.

On PostgreSQL the INSERT is the function ``halldesk_audit_place_v2`` (PL/pgSQL, so its plan is cached
per session): given the signed rows as one array per column, in order, it reads the head, gives each
row its seq and ``prev_hash`` (the link after the row before: a v1 row's own hash, a v2 row's
``sha256(prev_hash || '|' || seq || '|' || hash)``, desktop/store/audit_hashes.link_of) and returns
(nonce, seq, prev_hash) of each. The caller takes the chain's lock in a statement before it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


PLACE_FUNCTION = r"""CREATE OR REPLACE FUNCTION halldesk_audit_place_v2(
    timestamp[], text[], text[], text[], int[], text[], text[], int[], text[], text[], text[], text[], int[])
RETURNS TABLE (o_nonce text, o_seq integer, o_prev_hash text) LANGUAGE plpgsql VOLATILE AS $place$
#variable_conflict use_column
BEGIN
    RETURN QUERY WITH RECURSIVE
top AS (SELECT seq, prev_hash, hash, nonce FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1),
head (seq, link) AS (
    SELECT seq, CASE WHEN nonce IS NULL THEN hash
                     ELSE encode(sha256(convert_to(prev_hash || '|' || seq || '|' || hash, 'UTF8')), 'hex') END
    FROM top
    UNION ALL SELECT 0, '0000000000000000000000000000000000000000000000000000000000000000' WHERE NOT EXISTS (SELECT 1 FROM top)),
new AS (SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        WITH ORDINALITY AS n("at", "actor", "window", "action", "case_id", "detail", "case_hash", "document_id",
                             "document_hash", "key_id", "hash", "nonce", "seen_seq", ord)),
placed (ord, seq, prev_hash, link) AS (
    SELECT 0::bigint, seq, NULL::text, link FROM head
    UNION ALL
    SELECT p.ord + 1, p.seq + 1, p.link,
           encode(sha256(convert_to(p.link || '|' || (p.seq + 1) || '|' || n.hash, 'UTF8')), 'hex')
    FROM placed p JOIN new n ON n.ord = p.ord + 1),
ins AS (
    INSERT INTO audit_log (seq, prev_hash, "at", "actor", "window", "action", "case_id", "detail", "case_hash",
                           "document_id", "document_hash", "key_id", "hash", "nonce", "seen_seq")
    SELECT p.seq, p.prev_hash, n."at", n."actor", n."window", n."action", n."case_id", n.detail::json,
           n."case_hash", n."document_id", n."document_hash", n."key_id", n."hash", n."nonce", n."seen_seq"
    FROM new n JOIN placed p ON p.ord = n.ord ORDER BY n.ord
    RETURNING nonce, seq, prev_hash)
SELECT nonce::text, seq, prev_hash::text FROM ins;
END
$place$"""


def upgrade() -> None:
    # NOTE: plain ADD COLUMN on both backends (no table copy: audit_log keeps its append-only triggers),
    # and only where missing: a downgrade leaves them (below).
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_log")}
    if "nonce" not in present:
        op.add_column("audit_log", sa.Column("nonce", sa.String(length=16), nullable=True))
    if "seen_seq" not in present:
        op.add_column("audit_log", sa.Column("seen_seq", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PLACE_FUNCTION)  # NOTE: CREATE OR REPLACE: an upgrade after a downgrade finds it in place


def downgrade() -> None:
    # NOTE: the columns stay. Without them no v2 row could be told from a forged one, and the chain
    # would stop verifying for good; an older program does not read them (it cannot check v2 rows,
    # and a row it writes links as a v1 row). Upgrading again finds them in place; so does the function.
    pass
