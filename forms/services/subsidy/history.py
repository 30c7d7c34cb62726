"""Earlier claims and workers counted elsewhere: the facts the case layer passes in, parsed and checked.

The contract (``facts`` argument of ``forms.service.assess``)::

    {
      "earlier_claims": [      # every earlier 返乡入乡创业补贴 case of this business (same
                               # 统一社会信用代码) or of this applicant (same ID number), any status
        {"case_no": "CY20250301-0007", "claim_type": "site_costs",
         "months": ["2024-01", "2024-02"],   # cost months covered (site_costs / ecommerce)
         "year": 2024,                       # optional; the budget year when months are unknown
         "training_type": "syb",             # training claims only
         "amount": "1234.50",                # yuan granted or, while pending, assessed
         "status": "accepted" | "approved" | "paid" | "refused" | "withdrawn"}
      ],
      "workers_elsewhere": [   # employees of this claim (by ID number) found in another case
        {"id_number": "410105...", "business_uscc": "91410100...", "case_no": "CY..."}
      ]
    }

A key that is absent means "not looked up" and gives a manual-check finding, never a silent pass;
an empty list means "looked up, nothing found". A malformed entry raises AnswerError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.model import Basis, Effect, Finding, Outcome
from forms.values import AnswerError

# NOTE: refused and withdrawn claims granted nothing and are ignored; a pending ("accepted") claim
# is counted like a granted one so that two open cases cannot each use the same yearly room, and
# it is flagged for the reviewer.
COUNTED = ("accepted", "approved", "paid")
IGNORED = ("refused", "withdrawn")
GRANTED = ("approved", "paid")
PENDING = "accepted"


@dataclass(frozen=True)
class EarlierClaim:
    case_no: str
    claim_type: str
    months: tuple[int, ...]  # month indexes (year * 12 + month - 1), see forms.periods
    years: tuple[int, ...]
    amount: Decimal
    status: str
    training_type: str | None = None


def parse_month(text: Any, where: str) -> int:
    """"YYYY-MM" as a month index."""
    try:
        year, month = str(text).split("-")
        y, m = int(year), int(month)
        if len(year) != 4 or not 1 <= m <= 12:
            raise ValueError
    except ValueError:
        raise AnswerError(f"{where}：月份 {text!r} 应为 YYYY-MM") from None
    return y * 12 + m - 1


def _parse_claim(raw: Any, i: int) -> EarlierClaim:
    where = f"以往申领记录第{i + 1}条"
    if not isinstance(raw, Mapping):
        raise AnswerError(f"{where}应为对象")
    status = raw.get("status")
    if status not in COUNTED + IGNORED:
        raise AnswerError(f"{where}：状态 {status!r} 无效（可选 {', '.join(COUNTED + IGNORED)}）")
    try:
        amount = Decimal(str(raw.get("amount", "0"))).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise AnswerError(f"{where}：金额 {raw.get('amount')!r} 无效") from None
    months = tuple(sorted(parse_month(m, where) for m in raw.get("months") or ()))
    years = {m // 12 for m in months}
    if raw.get("year") is not None:
        years.add(int(raw["year"]))
    return EarlierClaim(
        case_no=str(raw.get("case_no") or f"#{i + 1}"),
        claim_type=str(raw.get("claim_type") or ""),
        months=months,
        years=tuple(sorted(years)),
        amount=amount,
        status=status,
        training_type=raw.get("training_type"),
    )


def earlier_claims(facts: Mapping[str, Any], claim_type: str) -> list[EarlierClaim] | None:
    """Counted earlier claims of one type; None when the history was not looked up."""
    raw = facts.get("earlier_claims")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise AnswerError("facts.earlier_claims 应为数组")
    claims = [_parse_claim(item, i) for i, item in enumerate(raw)]
    return [c for c in claims if c.claim_type == claim_type and c.status in COUNTED]


def workers_elsewhere(facts: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]] | None:
    """ID number -> the other cases that counted the same worker; None when not looked up."""
    raw = facts.get("workers_elsewhere")
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(r, Mapping) and r.get("id_number") for r in raw):
        raise AnswerError("facts.workers_elsewhere 应为含 id_number 的对象数组")
    found: dict[str, list[Mapping[str, Any]]] = {}
    for entry in raw:
        found.setdefault(str(entry["id_number"]).strip().upper(), []).append(entry)
    return found


def not_looked_up(rule_id: str, what: str, basis: Basis) -> Finding:
    return Finding(
        rule_id, Outcome.MANUAL, f"未查询以往申领记录（{what}），请人工核对后再核定", basis, Effect.WARN,
        facts={"facts_missing": what},
    )


def pending_flags(rule_id: str, claims: list[EarlierClaim], basis: Basis) -> list[Finding]:
    """A manual check for every earlier claim of the same kind that is still open."""
    return [
        Finding(
            rule_id, Outcome.MANUAL,
            f"已有在办的同类申请（案件号{c.case_no}，金额{c.amount:.2f}元），已计入本次核算，请核对是否重复申请",
            basis, Effect.WARN, facts={"case_no": c.case_no, "amount": c.amount},
        )
        for c in claims
        if c.status == PENDING
    ]
