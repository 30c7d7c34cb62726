"""居住证申领: the rules, deadlines and example of 郑政办〔2021〕8号; the form is forms/services/residence/form.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from forms import checks, periods
from forms.model import Basis, Deadline, Effect, Finding, Outcome, RuleContext
from forms.service import Service, missing_info, rule
from forms.services.residence.form import DOC, FIELDS, MATERIALS, B

PARAMS_DIR = Path(__file__).resolve().parent  # residence_permit.toml lives with the service


@rule("rp.hukou_outside", "户籍不在本市", B("一、"))
def hukou_outside(ctx: RuleContext) -> Finding:
    value = ctx.get("hukou_in_zhengzhou")
    basis = B("一、")
    if value is None:
        return missing_info("rp.hukou_outside", "请确认申请人户籍是否在郑州市", basis, "hukou_in_zhengzhou")
    if value:
        return Finding(
            "rp.hukou_outside", Outcome.FAIL,
            "申请人户籍在郑州市，不属于居住证办理对象（办理对象为离开常住户口所在地来郑居住的公民）",
            basis, Effect.REFUSE, "hukou_in_zhengzhou", {"hukou_in_zhengzhou": True},
        )
    return Finding("rp.hukou_outside", Outcome.PASS, "户籍在郑州市以外", basis, field="hukou_in_zhengzhou")


@rule("rp.resides_in_city", "在本市居住并已申报暂住登记", B("一、"))
def resides(ctx: RuleContext) -> list[Finding]:
    basis = B("一、")
    out = []
    if ctx.get("residence_district") is None:
        out.append(missing_info("rp.resides_in_city", "请选择居住地所在区县（市）", basis, "residence_district"))
    else:
        out.append(Finding("rp.resides_in_city", Outcome.PASS, "居住在本市行政区域内", basis, field="residence_district"))
    reg = ctx.get("temp_registration_date")
    rid = "rp.temp_registration"
    if reg is None:
        out.append(missing_info(rid, "请填写暂住登记日期（须先申报暂住登记）", B("一、及五、"), "temp_registration_date"))
    else:
        out.append(Finding(rid, Outcome.PASS, f"已于{reg.isoformat()}申报暂住登记", B("一、及五、"),
                           field="temp_registration_date", facts={"temp_registration_date": reg}))
    return out


@rule("rp.stable_basis", "合法稳定就业、住所或就读", B("二、"))
def stable_basis(ctx: RuleContext) -> Finding:
    value = ctx.get("stable_basis")
    if value is None:
        return missing_info("rp.stable_basis", "请选择申请人在本市合法稳定的就业、住所或就读情况", B("二、"), "stable_basis")
    return Finding("rp.stable_basis", Outcome.PASS, "有合法稳定的就业、住所或就读", B("二、"), field="stable_basis")


def _half_year(ctx: RuleContext, rid: str, start: date | None, what: str, key: str, clause: str) -> Finding:
    months = ctx.params["half_year_months"]
    if start is None:
        return missing_info(rid, f"请填写{what}日期", B(clause), key)
    done = periods.completed_on(start, months)
    facts = {"start": start, "months": months, "complete_on": done, "today": ctx.today}
    if ctx.today >= done:
        return Finding(rid, Outcome.PASS, f"{what}自{start.isoformat()}起已满半年（{done.isoformat()}满）",
                       B(clause), field=key, facts=facts)
    return Finding(
        rid, Outcome.FAIL,
        f"{what}自{start.isoformat()}起未满半年，{done.isoformat()}起方满半年",
        B(clause), Effect.REFUSE, key, facts,
    )


def _social_insurance(ctx: RuleContext) -> Finding:
    rid, basis = "rp.half_year.social_insurance", B("二、1")
    rows = ctx.get("social_insurance")
    if not rows:
        return missing_info(rid, "请录入在郑社保缴费记录（起止月）", basis, "social_insurance")
    window = ctx.params["social_insurance_window_months"]
    need = ctx.params["social_insurance_required_months"]
    # NOTE: "近一年" is read as the application month and the 11 months before it; months are
    # counted once even when two records overlap ("累计" = total months paid, not consecutive).
    last = periods.month_index(ctx.today)
    first = last - window + 1
    paid: set[int] = set()
    for row in rows:
        if row.get("start") is None or row.get("end") is None:
            return missing_info(rid, "社保缴费记录的起止月不完整", basis, "social_insurance")
        paid.update(periods.months_between(row["start"], row["end"]))
    counted = sorted(m for m in paid if first <= m <= last)
    facts = {
        "window": f"{periods.month_label(first)}至{periods.month_label(last)}",
        "months_counted": len(counted),
        "months_outside_window": len(paid) - len(counted),
        "required": need,
    }
    if len(counted) >= need:
        return Finding(rid, Outcome.PASS, f"近一年（{facts['window']}）在郑累计缴纳社保{len(counted)}个月，已满半年",
                       basis, field="social_insurance", facts=facts)
    return Finding(
        rid, Outcome.FAIL,
        f"近一年（{facts['window']}）在郑累计缴纳社保{len(counted)}个月，不满{need}个月",
        basis, Effect.REFUSE, "social_insurance", facts,
    )


@rule("rp.half_year", "满半年的条件之一", B("二、"))
def half_year(ctx: RuleContext) -> Finding:
    exemption = ctx.get("exemption")
    if exemption is None:
        return missing_info("rp.half_year", "请选择是否属于免予“满半年”限制的情形", B("二、"), "exemption")
    if exemption != "none":
        return Finding(
            "rp.half_year", Outcome.NOT_APPLICABLE,
            "属于高层次人才及其共同生活直系亲属或本市户籍人口配偶，不受居住满半年条件限制",
            B("二、（末段）"), field="exemption", facts={"exemption": exemption},
        )
    condition = ctx.get("condition")
    if condition is None:
        return missing_info("rp.half_year", "请选择申请人符合的条件（社保、就读、住所或经商满半年）", B("二、"), "condition")
    if condition == "social_insurance":
        return _social_insurance(ctx)
    if condition == "study":
        return _half_year(ctx, "rp.half_year.study", ctx.get("enrolment_date"), "注册学籍并就读", "enrolment_date", "二、2")
    if condition == "residence":
        if ctx.get("housing_proof") is None:
            return missing_info("rp.half_year.residence", "请选择住所证明类型", B("二、3"), "housing_proof")
        return _half_year(ctx, "rp.half_year.residence", ctx.get("housing_proof_date"), "合法住所", "housing_proof_date", "二、3")
    return _half_year(ctx, "rp.half_year.business", ctx.get("licence_date"), "办理工商营业执照", "licence_date", "二、4")


@rule("rp.exemption", "免予满半年限制的证明", B("二、（末段）"))
def exemption(ctx: RuleContext) -> Finding | None:
    kind = ctx.get("exemption")
    rid, basis = "rp.exemption", B("二、（末段）")
    if kind in (None, "none"):
        return Finding(rid, Outcome.NOT_APPLICABLE, "不属于免予满半年限制的情形", basis, field="exemption")
    if kind in ("talent", "talent_relative"):
        if not ctx.get("talent_cert_no"):
            return missing_info(rid, "请填写高层次人才认定证书编号", basis, "talent_cert_no")
        return Finding(rid, Outcome.PASS, "经市以上人社部门认定的高层次人才（或其共同生活直系亲属）", basis, field="talent_cert_no")
    spouse = ctx.get("spouse_id_number")
    if not spouse:
        return missing_info(rid, "请填写本市户籍配偶的身份号码", basis, "spouse_id_number")
    if spouse == ctx.get("id_number"):
        return Finding(rid, Outcome.FAIL, "配偶身份号码不能与申请人相同", basis, Effect.CORRECT, "spouse_id_number")
    # NOTE: the spouse's hukou is checked in the shared marriage and hukou data, not inferred
    # from the ID number's region code (that shows where the number was issued, not the hukou).
    return Finding(rid, Outcome.MANUAL, "请通过信息共享核验配偶为本市户籍人口及婚姻关系", basis, Effect.WARN,
                   "spouse_id_number")


@rule("rp.proxy", "代为办理的情形", B("三、2"))
def proxy(ctx: RuleContext) -> Finding:
    rid, basis = "rp.proxy", B("三、2")
    if ctx.get("applicant_mode") is None:
        return missing_info(rid, "请选择办理方式（本人或代办）", basis, "applicant_mode")
    if ctx.get("applicant_mode") == "self":
        return Finding(rid, Outcome.NOT_APPLICABLE, "本人办理", basis, field="applicant_mode")
    reason = ctx.get("proxy_reason")
    if reason is None:
        return missing_info(rid, "请选择代办情形", basis, "proxy_reason")
    if ctx.get("proxy_id_number") and ctx.get("proxy_id_number") == ctx.get("id_number"):
        return Finding(rid, Outcome.FAIL, "代办人不能是申请人本人", basis, Effect.CORRECT, "proxy_id_number")
    id_number = ctx.get("id_number")
    birth = checks.birth_date_from_resident_id(id_number) if id_number else None
    if reason in ("minor", "elderly") and birth is None:
        return missing_info(rid, "需要申请人的有效身份号码以核对年龄", basis, "id_number")
    if reason == "minor" and birth is not None:
        limit = ctx.params["proxy_minor_age"]
        age = checks.age_on(birth, ctx.today)
        if age < limit:
            return Finding(rid, Outcome.PASS, f"申请人{age}周岁，未满{limit}周岁，可由监护人、近亲属代办", basis,
                           field="proxy_reason", facts={"age": age})
        return Finding(rid, Outcome.FAIL, f"申请人已满{limit}周岁（{age}周岁），不属于未成年人代办情形，请本人办理",
                       basis, Effect.CORRECT, "proxy_reason", {"age": age})
    if reason == "elderly" and birth is not None:
        limit = ctx.params["elderly_age"]
        age = checks.age_on(birth, ctx.today)
        if age < limit:
            return Finding(rid, Outcome.FAIL, f"申请人{age}周岁，未满{limit}周岁，不属于老年人代办情形",
                           basis, Effect.CORRECT, "proxy_reason", {"age": age})
        return Finding(rid, Outcome.MANUAL, f"申请人{age}周岁，请核实行动不便的情况", basis, Effect.WARN,
                       "proxy_reason", {"age": age})
    return Finding(rid, Outcome.MANUAL, "请核验残疾人证", basis, Effect.WARN, "proxy_reason")


def deadlines(ctx: RuleContext, calendar) -> list[Deadline]:
    review_days = ctx.params["review_working_days"]
    issue_days = ctx.params["issue_days"]
    review = calendar.add_working_days(ctx.today, review_days)
    # NOTE: "10日" is read as 10 calendar days: the same sentence of 四、 says "5个工作日" for the
    # review, so "日" is deliberately not "工作日"; it is also the reading more favourable to the
    # applicant. A last day on a statutory holiday moves to the next working day (民法典 第二百零三条).
    issue = calendar.add_calendar_days(ctx.today, issue_days)
    return [
        Deadline("review", "审核完毕", ctx.today, review.due, review_days, "working_days",
                 review.provisional, B("四、"), review.explain(), review.skipped, "decision"),
        Deadline("issue", "制作发放居住证", ctx.today, issue.due, issue_days, "calendar_days",
                 issue.provisional, B("四、"), issue.explain(), issue.skipped, "issue"),
    ]


def example(today: date) -> dict:
    """A complete case that is accepted on ``today`` (dates are relative to it)."""
    si_start = periods.add_months(today, -9)
    return {
        "answers": {
            "name": "欧阳娜娜",
            "id_number": "410305199001011234",
            "phone": "13800138000",
            "hukou_address": "河南省洛阳市西工区中州中路1号",
            "hukou_in_zhengzhou": False,
            "residence_district": "410105",
            "residence_address": "郑州市金水区花园路10号",
            "temp_registration_date": periods.add_months(today, -8).isoformat(),
            "stable_basis": "employment",
            "exemption": "none",
            "condition": "social_insurance",
            "social_insurance": [{"start": si_start.isoformat(), "end": today.isoformat()}],
            "applicant_mode": "self",
        },
        "materials": {
            "application_form": "provided",
            "id_card": "provided",
            "residence_proof": "provided",
            "social_insurance_proof": "shared",
            "photo": "provided",
        },
    }


SERVICE = Service(
    service_id="residence_permit",
    name="居住证申领",
    code="JZ",
    basis=Basis(DOC),
    version="2021.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(hukou_outside, resides, stable_basis, half_year, exemption, proxy),
    params_name="residence_permit",
    params_dir=PARAMS_DIR,
    deadlines=deadlines,
    example=example,
    description="离开常住户口所在地、在郑州居住的公民申领居住证（郑政办〔2021〕8号）",
    order=10,
    collects="居住证",
)
