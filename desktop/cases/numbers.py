"""Case numbers that stay unique across windows working offline, with a check character."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from stdnum.iso7064 import mod_37_36

from desktop.store.models import Case, CaseSequence

# NOTE: the scheme is SS WW YYMMDD NNNN C (15 characters, Code128-friendly ASCII):
#   SS   service code ("JZ" 居住证, …)      WW  window number, 01–99
#   YYMMDD the day of intake                NNNN sequence per service, window and day
#   C    ISO 7064 MOD 37,36 check character (python-stdnum) so that a mistyped or misread
#        number is caught before a search.
# Two windows never share a (service, window, day) counter, so numbers made offline on separate
# PCs cannot collide when their data is merged; on a shared database the counter row is
# incremented atomically (INSERT … ON CONFLICT DO UPDATE … RETURNING).
CASE_NO = re.compile(r"^[A-Z]{2}\d{2}\d{6}\d{4}[0-9A-Z]$")
MAX_PER_DAY = 9999


def with_check(body: str) -> str:
    return body + mod_37_36.calc_check_digit(body)


def is_valid_case_no(value: str) -> bool:
    value = value.strip().upper()
    return bool(CASE_NO.match(value)) and mod_37_36.is_valid(value)


def normalize_scanned(value: str) -> str:
    """A barcode scanner types the number and often an Enter or a prefix: keep the number."""
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


@functools.lru_cache(maxsize=4)
def _upsert(dialect: str) -> Any:
    """The counter's INSERT … ON CONFLICT DO UPDATE … RETURNING, built once per dialect (issue 15)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(CaseSequence).values(code=bindparam("code"), window=bindparam("window"), day=bindparam("day"),
                                       last=1)
    return stmt.on_conflict_do_update(
        index_elements=[CaseSequence.code, CaseSequence.window, CaseSequence.day],
        set_={"last": CaseSequence.last + 1},
    ).returning(CaseSequence.last)


def next_sequence(session: Session, code: str, window: str, day: date) -> int:
    # NOTE: on the unit's connection: the counter is no ORM object, nothing to flush before it.
    stmt = _upsert(session.get_bind().dialect.name)
    value = session.connection().execute(stmt, {"code": code, "window": window, "day": day}).scalar_one()
    if value > MAX_PER_DAY:
        raise OverflowError("本窗口今日该服务的案件编号已用完（9999件）")
    return value


def allocate(session: Session, code: str, window: str, day: date) -> str:
    window = f"{int(window):02d}"
    seq = next_sequence(session, code, window, day)
    return with_check(f"{code}{window}{day:%y%m%d}{seq:04d}")


def number_of(row: Case) -> str:
    """The number of a case past intake, as its papers and register rows print it.

    NOTE: ``cases.case_no`` is NULL only for a draft never given a notice; a paper or a register row
    for such a case is a bug, raised here rather than printed as an empty number."""
    if row.case_no is None:
        raise ValueError(f"case {row.id} has no case number yet")
    return row.case_no
