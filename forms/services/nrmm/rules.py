"""The rules of 非道路移动机械编码登记, each citing its article of 市政府令第240号 (pure)."""

from __future__ import annotations

from datetime import date

from forms import checks
from forms.model import Basis, Deadline, Effect, Finding, Outcome, RuleContext
from forms.service import missing_info, rule
from forms.services.nrmm.code import normalize
from forms.services.nrmm.form import FUELS, LISTED_TYPES, OTHER_TYPE, STAGES, B
from forms.zhengzhou import district_name

IN_FORCE = date(2021, 3, 10)  # 第三十七条


@rule("nr.machine_type", "属于非道路移动机械", B("第三十六条"))
def machine_type(ctx: RuleContext) -> Finding:
    rid, basis = "nr.machine_type", B("第三十六条")
    kind = ctx.get("machine_type")
    if kind is None:
        return missing_info(rid, "请选择机械类型", basis, "machine_type")
    if kind != OTHER_TYPE:
        return Finding(rid, Outcome.PASS, f"{dict(LISTED_TYPES)[kind]}属于第三十六条列明的非道路移动机械类型", basis,
                       field="machine_type", facts={"machine_type": kind})
    other = (ctx.get("machine_type_other") or "").strip()
    if not other:
        return missing_info(rid, "机械类型选择了“其他”，请填写具体机械类型", basis, "machine_type_other")
    # NOTE: 第三十六条's list ends with "等": a type not named may still be 装配有发动机的移动机械和可运输工业
    # 设备. Whether it is, is the clerk's judgment (manual check, shown, not blocking) — never a silent pass,
    # and not a refusal the rules could justify.
    return Finding(rid, Outcome.MANUAL,
                   f"“{other}”不在第三十六条列明的机械类型中，请核实其是否为装配有发动机的移动机械或可运输工业设备",
                   basis, Effect.WARN, "machine_type_other", {"machine_type": other})


@rule("nr.engine", "装配有发动机", B("第三十六条"))
def engine(ctx: RuleContext) -> Finding:
    rid, basis = "nr.engine", B("第三十六条")
    fuel = ctx.get("fuel")
    if fuel is None:
        return missing_info(rid, "请选择燃料类型", basis, "fuel")
    if fuel == "electric":
        # NOTE: 第三十六条 defines the machines as 装配有发动机的; a purely electric machine has no engine
        # and no exhaust to test (第九条第二款). Some cities register electric machines too (重庆潼南's notice,
        # nrmm.toml); the 办法 does not, so the clerk checks with the department: manual, not a refusal.
        return Finding(rid, Outcome.MANUAL,
                       "纯电动机械未装配发动机，第三十六条所称非道路移动机械为装配有发动机的机械，请向区县（市）生态环境主管部门核实是否登记",
                       basis, Effect.WARN, "fuel", {"fuel": fuel})
    return Finding(rid, Outcome.PASS, f"装配有发动机（{dict(FUELS)[fuel]}）", basis, field="fuel", facts={"fuel": fuel})


@rule("nr.emission_test", "排放污染物检验合格", B("第九条第二款"))
def emission_test(ctx: RuleContext) -> list[Finding]:
    rid, basis = "nr.emission_test", B("第九条第二款")
    result = ctx.get("test_result")
    if result is None:
        return [missing_info(rid, "请选择排放检验结果", basis, "test_result")]
    if result == "fail":
        # NOTE: a refusal: 第九条第二款 makes "经排放污染物检验合格" the condition of the owner's report and so of
        # the registration; an unpassed machine is not registered (it is repaired and tested again, 第十三条).
        return [Finding(rid, Outcome.FAIL,
                        "排放污染物检验不合格，不符合报送编码信息的条件（经检验合格的方可报送）；机械经维修治理并检验合格后可再申请",
                        basis, Effect.REFUSE, "test_result", {"test_result": result})]
    out = []
    tested = ctx.get("test_date")
    if not ctx.get("test_report_no") or tested is None:
        # NOTE: nothing to add: the form's own required check names the missing report number or date
        # (once, next to its field), and without them the test is not shown passed.
        return []
    made = ctx.get("manufacture_date")
    if tested is not None and made is not None and tested < made:
        out.append(Finding(rid + ".date", Outcome.FAIL, f"检验日期{tested.isoformat()}早于出厂日期{made.isoformat()}，请核对",
                           basis, Effect.CORRECT, "test_date"))
    if not out:
        out.append(Finding(rid, Outcome.PASS, f"排放污染物检验合格（报告{ctx.get('test_report_no')}，{tested}）", basis,
                           field="test_result", facts={"report": ctx.get("test_report_no"), "tested": tested}))
    return out


def report_due(acquired: date, days: int) -> tuple[date, str]:
    """The last day of the owner's period and how it was counted (民法典 第二百零一条、第二百零三条)."""
    from forms.workdays import default_calendar

    # NOTE: "15日" are calendar days (第九条 says "7个工作日" for the department in the next sentence, so
    # "日" is deliberately not 工作日); the day of purchase is not counted (民法典 第二百零一条) and a last
    # day on a statutory holiday moves to the next working day (第二百零三条). The shipped calendar is used:
    # the hall's own 调休 rows only matter for a year chinese-calendar does not know yet.
    counted = default_calendar().add_calendar_days(acquired, days)
    return counted.due, counted.explain()


@rule("nr.report_window", "自购置或者转入之日起15日内报送", B("第九条第二款"))
def report_window(ctx: RuleContext) -> list[Finding]:
    rid, basis = "nr.report_window", B("第九条第二款")
    acquired, made = ctx.get("acquisition_date"), ctx.get("manufacture_date")
    if ctx.get("acquisition") is None:
        return [missing_info(rid, "请选择购置或转入", basis, "acquisition")]
    if acquired is None:
        return []  # the form's required check asks for the date, next to its field
    if made is not None and acquired < made:
        return [Finding(rid, Outcome.FAIL, f"购置或转入日期{acquired.isoformat()}早于出厂日期{made.isoformat()}，请核对",
                        basis, Effect.CORRECT, "acquisition_date")]
    if acquired < IN_FORCE:
        return [Finding(rid, Outcome.NOT_APPLICABLE,
                        f"于{acquired.isoformat()}购置或转入，早于本办法施行（2021年3月10日），不适用15日报送期限",
                        B("第三十七条"), field="acquisition_date")]
    days = int(ctx.params["report_days"])
    due, how = report_due(acquired, days)
    facts = {"acquired": acquired, "due": due, "days": days}
    if ctx.today <= due:
        return [Finding(rid, Outcome.PASS, f"在报送期限内（{due.isoformat()}前）报送编码信息", basis,
                        field="acquisition_date", facts=facts)]
    late = (ctx.today - due).days
    # NOTE: a late report is a WARNING, not a refusal. 第九条第二款 sets a duty on the owner ("应当…报送"),
    # not a condition of the department's registration (第三款 says the department 应当 complete it), and the
    # 办法's 第五章 fixes no penalty for a late report; the consequence it names is for *using* a machine not
    # registered (第二十七条第一款（一）: the credit record). Refusing a late report would leave the machine
    # unregistered for good, the opposite of what 第九条 wants. The clerk and the owner see it.
    return [Finding(rid, Outcome.FAIL,
                    f"已超过报送期限{late}日（自{acquired.isoformat()}起{days}日，最后一日{due.isoformat()}）；"
                    "逾期报送仍予受理和编码登记，请提醒所有人未编码登记的机械不得使用（第二十七条）",
                    basis, Effect.WARN, "acquisition_date", {**facts, "late_days": late, "counted": how})]


@rule("nr.emission_stage", "排放阶段符合生产时的国家标准", B("第十三条"))
def emission_stage(ctx: RuleContext) -> Finding:
    rid, basis = "nr.emission_stage", B("第十三条")
    fuel = ctx.get("fuel")
    if fuel in (None, "electric"):
        return Finding(rid, Outcome.NOT_APPLICABLE, "无发动机排放阶段可核对", basis, field="fuel")
    stage = ctx.get("emission_stage")
    if stage is None:
        return missing_info(rid, "请选择排放阶段（见发动机铭牌或环保信息公开标签）", basis, "emission_stage")
    label = dict(STAGES)[stage]
    made = ctx.get("manufacture_date")
    if fuel != "diesel":
        return Finding(rid, Outcome.NOT_APPLICABLE, f"{label}：本系统只核对柴油机械的排放阶段", basis,
                       field="emission_stage")
    if made is None:
        return missing_info(rid, "请填写出厂日期，以核对生产时应达到的排放阶段", basis, "manufacture_date")
    need = int(ctx.params.on(made)["required_diesel_stage"])
    source = ctx.params.on(made).source("required_diesel_stage")
    if need == 0 or int(stage) >= need:
        return Finding(rid, Outcome.PASS, f"{label}", Basis(source) if need else basis, field="emission_stage",
                       facts={"stage": stage, "required": need})
    # NOTE: manual check, not a refusal: 第九条 registers a machine that passed its emission test; a stage
    # below what its production date required points at a wrong date or nameplate, or at a machine that
    # should not have been sold (第十三条) — a matter for the department, not a bar the window applies.
    return Finding(rid, Outcome.MANUAL,
                   f"{made.isoformat()}出厂的柴油机械应达到第{need}阶段，登记为{label}，请核对铭牌、出厂日期和环保信息公开标签",
                   Basis(source), Effect.WARN, "emission_stage", {"stage": stage, "required": need})


@rule("nr.owner", "所有人（单位或个人）", B("第九条第二款"))
def owner(ctx: RuleContext) -> Finding:
    rid, basis = "nr.owner", B("第九条第二款")
    kind = ctx.get("owner_kind")
    if kind is None:
        return missing_info(rid, "请选择所有人类型（单位或个人）", basis, "owner_kind")
    if kind == "person":
        return Finding(rid, Outcome.PASS, "所有人为个人", basis, field="owner_kind")
    code = ctx.get("owner_uscc")
    if not code:
        return missing_info(rid, "请填写所有人的统一社会信用代码", basis, "owner_uscc")
    problem = checks.check_uscc(code)
    if problem:
        return Finding(rid, Outcome.FAIL, problem, Basis("GB 32100-2015"), Effect.CORRECT, "owner_uscc")
    if not ctx.get("contact_name"):
        return missing_info(rid, "请填写单位联系人", basis, "contact_name")
    return Finding(rid, Outcome.PASS, "所有人为单位，统一社会信用代码有效", basis, field="owner_uscc")


@rule("nr.department", "区县（市）生态环境主管部门", B("第九条第二款"))
def department(ctx: RuleContext) -> Finding:
    rid = "nr.department"
    code = ctx.get("department")
    if code is None:
        return missing_info(rid, "请选择登记机关所在区县（市）", B("第九条第二款"), "department")
    clause = "第三十五条" if code in ("410171", "410172", "410173", "zhengdong") else "第五条第一款"
    return Finding(rid, Outcome.PASS, f"由{district_name(code)}生态环境主管部门完成编码登记", B(clause),
                   field="department", facts={"department": code})


@rule("nr.once", "一台机械只编码登记一次", B("第九条第一款"))
def once(ctx: RuleContext) -> Finding:
    """Facts contract: see forms/services/nrmm/__init__.py."""
    rid, basis = "nr.once", B("第九条第一款")
    product = normalize(ctx.get("product_no"))
    if not product:
        return missing_info(rid, "请填写产品识别号（出厂编号）", basis, "product_no")
    if "registration" not in ctx.facts:
        return Finding(rid, Outcome.MANUAL, "未能查询编码登记库，请人工核实该机械未曾编码登记", basis, Effect.CORRECT,
                       "product_no")
    found = ctx.facts["registration"]
    if not found:
        return Finding(rid, Outcome.PASS, f"产品识别号{product}未曾编码登记", basis, field="product_no")
    state, case_no = found.get("status"), found.get("case_no")
    if state == "registered":
        return Finding(rid, Outcome.FAIL,
                       f"该机械已于{found.get('registered_on')}完成编码登记（编码{found.get('code')}），编码不重复核发",
                       basis, Effect.REFUSE, "product_no", {"code": found.get("code"), "case_no": case_no})
    # pending: another case has it and is not decided yet — not this applicant's fault, not a refusal
    return Finding(rid, Outcome.FAIL, f"该机械的编码登记申请（案件{case_no}）正在办理中，请勿重复申请", basis,
                   Effect.CORRECT, "product_no", {"case_no": case_no})


def deadlines(ctx: RuleContext, calendar) -> list[Deadline]:
    """第九条第三款: 7 working days from receiving the coding information — the day of acceptance here."""
    days = int(ctx.params["registration_working_days"])
    counted = calendar.add_working_days(ctx.today, days)
    return [Deadline("registration", "完成编码登记", ctx.today, counted.due, days, "working_days", counted.provisional,
                     B("第九条第三款"), counted.explain(), counted.skipped, "decision")]


RULES = (machine_type, engine, emission_test, report_window, emission_stage, owner, department, once)
