"""The register's writes: a pending row at acceptance, the code at registration, the row closed otherwise."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.cases import input_guard
from desktop.cases.errors import ActionRefused
from desktop.cases.services.nrmm.facts import live_registration
from desktop.cases.services.nrmm.models import PENDING, REGISTERED, NrmmCodeCounter, NrmmRegistration
from forms.params import ParamsAt
from forms.services.nrmm import code as codes

# The answers copied into the register (tests/desktop/cases/test_field_lengths.py holds each field to its
# column); machine_type and department are choice keys, a few characters each.
input_guard.declare_hook_columns(
    "nrmm_registration",
    (NrmmRegistration.product_no, "product_no", None), (NrmmRegistration.engine_no, "engine_no", None),
)


def open_row(s: Session, case_id: int, case_no: str, typed: dict, today: date, now: datetime) -> NrmmRegistration:
    """The accepted case's pending row; refused when the machine has a live one (checked again under its lock)."""
    product = codes.normalize(typed.get("product_no"))
    other = live_registration(s, product, case_id)
    if other is not None:
        raise ActionRefused(_taken(product, other))
    row = NrmmRegistration(case_id=case_id, case_no=case_no, product_no=product,
                           engine_no=codes.normalize(typed.get("engine_no")), machine_type=str(typed.get("machine_type")),
                           department=str(typed.get("department")), status=PENDING, accepted_on=today, updated_at=now)
    try:
        # NOTE: the facts were read under the machine's lock; the partial unique index is the last word
        # when a window without that lock (an older HallDesk) accepted the same machine meanwhile.
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        other = live_registration(s, product, case_id)
        if other is None:
            raise
        raise ActionRefused(_taken(product, other)) from None
    return row


def _taken(product: str, other: NrmmRegistration) -> str:
    if other.status == REGISTERED:
        return f"产品识别号{product}的机械已编码登记（编码{other.code}，案件{other.case_no}），编码不重复核发。本次未保存。"
    return f"产品识别号{product}的机械已由案件{other.case_no}受理，正在办理编码登记，不能重复受理。本次未保存。"


def department_code(params: ParamsAt, department: str) -> str:
    """The six-character division code of the registering department (郑东新区 from the parameter file)."""
    return str(params["district_codes"].get(department, department))


def next_serial(s: Session, prefix: str) -> int:
    """The prefix's next serial, bumped atomically in the caller's transaction (never lowered, never reused)."""
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(NrmmCodeCounter).values(prefix=prefix, last=1).on_conflict_do_update(
        index_elements=[NrmmCodeCounter.prefix], set_={"last": NrmmCodeCounter.last + 1},
    ).returning(NrmmCodeCounter.last)
    return int(s.execute(stmt).scalar_one())


def issue_code(s: Session, row: NrmmRegistration, params: ParamsAt, window: str, today: date,
               now: datetime) -> str:
    """Complete the registration: the next code of the department's and window's series, on the row for good."""
    if row.status != PENDING or row.code:
        raise ActionRefused(f"案件{row.case_no}的机械登记状态为“{row.status}”，不能再次核发编码。")
    structure = params["code_structure"]
    district = department_code(params, row.department)
    prefix = codes.prefix_for(structure, district, window)
    code = codes.compose(structure, district, window, next_serial(s, prefix))
    row.code, row.status, row.registered_on, row.updated_at = code, REGISTERED, today, now
    s.flush()  # NOTE: the UNIQUE code column would refuse a code issued twice, e.g. a counter rolled back by hand
    return code


def close_row(s: Session, case_id: int, status: str, now: datetime) -> NrmmRegistration | None:
    """Refused or cancelled: the row leaves the live states; a code it had stays on it (never reissued)."""
    row = s.query(NrmmRegistration).filter_by(case_id=case_id).with_for_update().one_or_none()
    if row is not None:
        row.status, row.updated_at = status, now
    return row
