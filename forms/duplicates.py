"""Duplicate and conflicting applications at intake: another open case of the same application, an ID number under another name."""

from __future__ import annotations

from forms.model import Basis, Effect, Finding, Outcome, Rule, RuleContext

# Facts the case layer passes in (desktop/cases/duplicates.py); absent facts are a manual check.
OPEN_CASES = "duplicates.open_cases"  # [{"case_no", "status_label"}] open cases of this application
OTHER_NAMES = "duplicates.other_names"  # [{"case_no", "name"}] cases with this ID number under another name
# NOTE: 公民身份号码 is "唯一的、终身不变的" (GB 11643-1999): one number, one person, so the same number
# under another name means a typing error, a changed name or someone else's card. The name may have
# changed lawfully, so it is a check for the clerk, not a correction or a refusal.
NAME_BASIS = Basis("GB 11643-1999《公民身份号码》")


def rules_for(service) -> tuple[Rule, ...]:
    """The two duplicate rules of ``service`` (its applicant ID field named by ``service.id_key``)."""
    # NOTE: no text the hall applies says a second application while one is open is refused, so the
    # second one is a check naming the open case (the clerk continues that case or asks the applicant
    # to withdraw it), cited to the procedure's own document, which the open case is governed by.
    open_basis = Basis(service.basis.document)

    def open_case(ctx: RuleContext) -> Finding | None:
        if not ctx.get(service.id_key):
            return None
        rid = "dup.open_case"
        if OPEN_CASES not in ctx.facts:
            return Finding(rid, Outcome.MANUAL, "未能查询同一申请人的在办案件，请人工核查是否重复申请", open_basis,
                           Effect.WARN, service.id_key)
        cases = ctx.facts[OPEN_CASES]
        if not cases:
            return Finding(rid, Outcome.PASS, "同一申请人没有在办的同一事项申请", open_basis, field=service.id_key)
        listed = "、".join(f"{c['case_no']}（{c['status_label']}）" for c in cases)
        return Finding(rid, Outcome.MANUAL, f"该申请人已有在办的同一事项申请：案件{listed}，请核实是否重复申请",
                       open_basis, Effect.WARN, service.id_key, {"case_nos": [c["case_no"] for c in cases]})

    def other_name(ctx: RuleContext) -> Finding | None:
        if not ctx.get(service.id_key) or not ctx.get(service.name_key):
            return None
        rid = "dup.id_name"
        if OTHER_NAMES not in ctx.facts:
            return Finding(rid, Outcome.MANUAL, "未能查询该证件号码以往登记的姓名，请人工核对", NAME_BASIS,
                           Effect.WARN, service.name_key)
        others = ctx.facts[OTHER_NAMES]
        if not others:
            return Finding(rid, Outcome.PASS, "该证件号码以往登记的姓名与本次一致", NAME_BASIS, field=service.name_key)
        listed = "、".join(f"案件{o['case_no']}为“{o['name']}”" for o in others)
        return Finding(rid, Outcome.MANUAL, f"同一证件号码登记过其他姓名：{listed}，请核对证件与姓名（改名的须有户籍证明）",
                       NAME_BASIS, Effect.WARN, service.name_key, {"case_nos": [o["case_no"] for o in others]})

    return (Rule("dup.open_case", "重复申请", open_basis, open_case),
            Rule("dup.id_name", "证件号码与姓名", NAME_BASIS, other_name))
