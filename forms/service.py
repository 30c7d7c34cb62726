"""A service definition (form, materials, rules, deadlines) and the engine that assesses a case."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field as dc_field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.at_window import AtWindow
from forms.model import (
    AmountLine,
    Assessment,
    Basis,
    Deadline,
    Decision,
    Effect,
    Field,
    Finding,
    Material,
    MaterialState,
    MissingMaterial,
    Outcome,
    Rule,
    RuleContext,
)
from forms.params import ParamSet, load_params
from forms.values import FORM_BASIS, AnswerError, parse_answers, preview

if TYPE_CHECKING:
    # NOTE: the working-day calendar (and chinese-calendar) is imported by assess() when a case is
    # assessed: listing the services, as the main window does at start-up, needs neither.
    from forms.workdays import WorkCalendar

DeadlineFn = Callable[[RuleContext, "WorkCalendar"], Iterable[Deadline]]
AmountFn = Callable[[RuleContext], tuple[list[AmountLine], Decimal]]


def rule(rule_id: str, title: str, basis: Basis) -> Callable[[Callable], Rule]:
    """Declare a rule: a pure function of the context returning one finding or several."""

    def wrap(fn: Callable) -> Rule:
        return Rule(rule_id, title, basis, fn)

    return wrap


@dataclass(frozen=True)
class Service:
    service_id: str
    name: str  # Chinese name shown to the clerk and printed
    code: str  # two letters used in case numbers, e.g. "JZ"
    basis: Basis  # the main document
    version: str  # bumped whenever a rule changes meaning
    fields: tuple[Field, ...]
    materials: tuple[Material, ...]
    rules: tuple[Rule, ...]
    params_name: str  # the parameter file's name, <params_name>.toml
    deadlines: DeadlineFn | None = None
    amounts: AmountFn | None = None
    example: Callable[[date], dict[str, Any]] | None = None
    description: str = ""
    # Keys of the applicant's identity in the answers: stored in indexed columns.
    name_key: str = "name"
    id_key: str = "id_number"
    phone_key: str = "phone"
    extra_index: Mapping[str, str] = dc_field(default_factory=dict)  # search identifier kind (desktop.cases.identifiers) -> answer key
    # Titles of the intake papers where a service's own law names them differently,
    # e.g. {"refusal": "不予登记通知书"} (郑州市非机动车管理办法 第十四条).
    paper_titles: Mapping[str, str] = dc_field(default_factory=dict)
    order: int = 100  # position in the clerk's service list
    # NOTE: where <params_name>.toml is: the service's own package folder (forms/services/<name>/), so
    # its dated parameters live with its rules; None only for a file shared in resources/params.
    params_dir: Path | None = None
    # What the receipt tells the applicant to come back for ("" when nothing is collected, e.g. a
    # subsidy paid to a bank account): printed in the receipt's closing line (issue 14).
    collects: str = ""
    # True where the amounts' breakdown is printed on a paper of its own (the 补贴核定表), so the
    # receipt names only the total.
    amounts_on_own_paper: bool = False
    # The norm that makes the form's checks (a required field, a value in the legal form) and what the
    # 一次性告知书 cites for telling every missing item at once. A licence keeps 行政许可法 第三十二条; a
    # service that is not a licence (the subsidy) names its own rules (issue 14).
    form_basis: Basis = FORM_BASIS
    # Which applications count as "the same" for the duplicate check at intake (forms/duplicates.py):
    # the answer keys that must also match besides the applicant's ID number (() = one open case per
    # person for this procedure; ("frame_no",) = per bike); None = no duplicate check.
    duplicate_scope: tuple[str, ...] | None = ()
    notice_basis: tuple[Basis, ...] = (FORM_BASIS,)
    # True where the procedure is decided at the window in the same sitting, with no supervisor
    # review after it (郑州市非机动车管理办法 第十四条: 查验并及时发放号牌; 第十五条 登记): accepting
    # registers and issues at once, and a failed rule or inspection is a 不予登记通知书 (issue 13).
    decided_at_window: bool = False
    # What such a procedure says of itself (forms/at_window.py): the law that has it decided at the window,
    # what a revocation restores, and its on-site inspection if it has one; None: the neutral words.
    at_window: AtWindow | None = None
    # What the clerk's accept button says the window does at once where decided_at_window holds, e.g.
    # "登记并发牌" (the page adds "当场办结").
    window_action: str = ""
    # What the reviewer's two decisions are called for this procedure (the case view's buttons and
    # dialogs): 批准 / 不予许可 for a licence; a register's department "完成编码登记" / "不予登记".
    approve_word: str = "批准"
    decline_word: str = "不予许可"
    # Answers saved under an older form (drafts, cases, case files) brought to today's fields, e.g. the
    # e-bike's single "vehicle_inspected" tick → the recorded inspection (forms/services/ebike/inspection.py).
    upgrade_answers: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        # NOTE: a wrong declaration fails where the service is defined, not at the first acceptance.
        if self.at_window is not None and not self.decided_at_window:
            raise ValueError(f"{self.service_id}: at_window is declared but the procedure is not decided at the window")
        inspection = self.at_window.inspection if self.at_window is not None else None
        if inspection is not None:
            missing = set(inspection.keys) - {f.key for f in self.fields}
            if missing:
                raise ValueError(f"{self.service_id}: the inspection's fields {sorted(missing)} are not on its form")

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def material(self, key: str) -> Material:
        for m in self.materials:
            if m.key == key:
                return m
        raise KeyError(key)

    def params(self) -> ParamSet:
        return load_params(self.params_name, self.params_dir)

    def rules_version(self, params: ParamSet | None = None) -> str:
        return f"{self.service_id} {self.version} / params {(params or self.params()).digest}"


def current_answers(service: Service, answers: Any) -> Any:
    """``answers`` in today's form of ``service`` (Service.upgrade_answers); anything not a mapping as it is."""
    if service.upgrade_answers is None or not isinstance(answers, Mapping):
        return answers
    return service.upgrade_answers(answers)


def parse_materials(service: Service, raw: Mapping[str, Any]) -> dict[str, MaterialState]:
    """Material states from JSON (``{"id_card": "provided"}``); unknown keys are an error."""
    if not isinstance(raw, Mapping):
        raise AnswerError(f"材料应为“材料: 状态”的对象，收到 {preview(raw)}")
    known = {m.key for m in service.materials}
    states: dict[str, MaterialState] = {}
    for key, value in raw.items():
        if key not in known:
            raise AnswerError(f"未知材料：{preview(key)}")
        if value is None or value is False or value == "":
            continue
        if value is True:
            value = MaterialState.PROVIDED.value
        # NOTE: only the three state names: a number, a list or an object is no state (and
        # StrEnum would raise TypeError for some of them rather than ValueError).
        if not isinstance(value, str) or value not in MaterialState.__members__.values():
            raise AnswerError(
                f"材料“{key}”的状态 {preview(value)} 无效（可选 provided / shared / pledged）"
            )
        states[key] = MaterialState(value)
    return states


def check_materials(
    service: Service, answers: Mapping[str, Any], materials: Mapping[str, MaterialState]
) -> tuple[list[MissingMaterial], list[Finding]]:
    """Every required material not handed over, shared or pledged — all of them at once."""
    missing: list[MissingMaterial] = []
    findings: list[Finding] = []
    for m in service.materials:
        state = materials.get(m.key)
        if state is MaterialState.SHARED and not m.shareable:
            findings.append(
                Finding(
                    f"material.{m.key}.not_shareable",
                    Outcome.FAIL,
                    f"“{m.label}”不能通过信息共享核验，请收取纸质材料",
                    m.basis,
                    Effect.CORRECT,
                    facts={"material": m.key},
                )
            )
            state = None
        if state is MaterialState.PLEDGED and not m.pledge_allowed:
            findings.append(
                Finding(
                    f"material.{m.key}.no_pledge",
                    Outcome.FAIL,
                    f"“{m.label}”不适用告知承诺，请收取材料",
                    m.basis,
                    Effect.CORRECT,
                    facts={"material": m.key},
                )
            )
            state = None
        if not m.is_required(answers) or state is not None:
            continue
        if any(materials.get(alt) for alt in m.alternatives):
            continue
        alt_labels = [service.material(a).label for a in m.alternatives]
        hint = f"（或{'、'.join(alt_labels)}）" if alt_labels else ""
        missing.append(MissingMaterial(m.key, m.label + hint, m.basis, m.core, m.pledge_allowed))
        findings.append(
            Finding(
                f"material.{m.key}.missing",
                Outcome.MISSING,
                f"缺少材料：{m.label}{hint}",
                m.basis,
                Effect.CORRECT,
                facts={"material": m.key},
            )
        )
    return missing, findings


def decide(findings: Iterable[Finding]) -> Decision:
    findings = list(findings)
    if any(f.outcome is Outcome.FAIL and f.effect is Effect.REFUSE for f in findings):
        return Decision.REFUSE
    if any(f.blocks for f in findings):
        return Decision.INCOMPLETE
    return Decision.ACCEPT


def assess(
    service: Service,
    raw_answers: Mapping[str, Any],
    raw_materials: Mapping[str, Any],
    today: date,
    facts: Mapping[str, Any] | None = None,
    calendar: WorkCalendar | None = None,
    strict: bool = True,
    params: ParamSet | None = None,
) -> Assessment:
    """Run every rule of ``service`` on one case; never stops at the first failure.

    ``params``: the service's parameters with a hall's own values (desktop/cases/promised.py);
    the shipped file when None.
    """
    if calendar is None:
        from forms.workdays import default_calendar

        calendar = default_calendar()
    if facts is not None and not isinstance(facts, Mapping):
        raise AnswerError(f"既有记录（facts）应为对象，收到 {preview(facts)}")
    answers, findings = parse_answers(service.fields, current_answers(service, raw_answers), today, strict=strict)
    if service.form_basis != FORM_BASIS:
        # The form's own checks cite the service's basis where it is not a licence (Service.form_basis).
        findings = [replace(f, basis=service.form_basis) if f.basis == FORM_BASIS else f for f in findings]
    materials = parse_materials(service, raw_materials)
    params = params or service.params()
    ctx = RuleContext(answers, materials, today, params.at(today), facts or {})
    rules = service.rules
    if service.duplicate_scope is not None:
        from forms import duplicates

        rules = rules + duplicates.rules_for(service)
    for r in rules:
        result = r.fn(ctx)
        if isinstance(result, Finding):
            findings.append(result)
        elif result is not None:
            findings.extend(result)
    missing, material_findings = check_materials(service, answers, materials)
    findings.extend(material_findings)
    deadlines = tuple(service.deadlines(ctx, calendar)) if service.deadlines else ()
    lines: list[AmountLine] = []
    total = None
    if service.amounts:
        lines, total = service.amounts(ctx)
    return Assessment(
        service_id=service.service_id,
        decision=decide(findings),
        findings=tuple(findings),
        missing_materials=tuple(missing),
        deadlines=deadlines,
        amounts=tuple(lines),
        total=total,
        assessed_on=today,
        rules_version=service.rules_version(params),
        calendar_version=calendar.calendar_version(),
    )


def missing_info(rule_id: str, message: str, basis: Basis, key: str | None = None, **facts) -> Finding:
    """The finding for an unanswered question a rule needs: never a silent false."""
    return Finding(rule_id, Outcome.MISSING, message, basis, Effect.CORRECT, key, facts)
