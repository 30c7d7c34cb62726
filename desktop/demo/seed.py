"""`python -m desktop seed-demo`: a believable hall — accounts, and cases of every service in every state."""

from __future__ import annotations

import argparse
import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from desktop.cases import accounts, demo_data, intake, lifecycle, reasons, status
from desktop.cases.demo_data import DemoCase, DemoPlan
from desktop.cases.dto import AccountInfo, Actor, Countersign
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.demo.people import People
from desktop.store.database import Database, open_database
from forms import registry
from forms.model import Decision

HALL = "郑州市金水区政务服务中心"
# NOTE: a made-up address and number for the demo hall; a real hall enters its own in 设置.
HALL_ADDRESS = "郑州市金水区示范路100号"
HALL_PHONE = "0371-12345678"
PASSWORD = "demo-pass-1"
STAFF = [  # (login, name, role, window)
    ("admin", "王丽", "admin", "01"), ("zhang", "张伟", "clerk", "03"), ("liu", "刘洋", "clerk", "04"),
    ("li", "李娜", "supervisor", "05"), ("zhao", "赵敏", "supervisor", "06"),
]
LATER_STATES = (status.ACCEPTED, status.SUPPLEMENT, status.APPROVED, status.REFUSED, status.ISSUED,
                status.CANCELLED)
# NOTE (issue 13): a procedure decided at the window is 已办结 at acceptance; afterwards it can only be
# revoked (撤销登记, countersigned), so it has no 待审核, 补正, 批准 or 不予许可 cases.
AT_WINDOW_STATES = (status.ISSUED, status.CANCELLED)


def later_states(service_id: str) -> tuple[str, ...]:
    return AT_WINDOW_STATES if registry.get(service_id).decided_at_window else LATER_STATES


@dataclass
class Hall:
    db: Database
    out: Path
    people: People
    staff: dict[str, Actor]
    today: date
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # What one service's cases leave for another's (registered bikes for the transfers), by pool name.
    pools: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    papers: int = 0

    def count(self, service_id: str, state: str) -> None:
        self.counts.setdefault(service_id, {}).setdefault(state, 0)
        self.counts[service_id][state] += 1


def _accounts(db: Database) -> dict[str, AccountInfo]:
    made: dict[str, AccountInfo] = {}
    if not accounts.has_accounts(db):
        made["admin"] = accounts.create_first_admin(db, "admin", "王丽", PASSWORD, PASSWORD, "01")
    else:
        made["admin"] = accounts.sign_in(db, "admin", PASSWORD, "01")
    for login, name, role, _window in STAFF[1:]:
        try:
            made[login] = accounts.create_account(db, made["admin"], login, name, role, PASSWORD, PASSWORD)
        except Exception:
            made[login] = accounts.sign_in(db, login, PASSWORD)
    return made


def _person(hall: Hall, service_id: str, answers: dict[str, Any], day: date) -> dict[str, Any]:
    """The example's answers with a made-up applicant (name, ID number, phone); the plan adds the rest."""
    service = registry.get(service_id)
    answers = copy.deepcopy(answers)
    p = hall.people
    answers[service.name_key] = p.name()
    answers[service.id_key] = p.id_number(p.birth(22, 60, day))
    answers[service.phone_key] = p.phone()
    return answers


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, hall_minute(hour)))


def hall_minute(hour: int) -> int:
    return (hour * 17) % 60


def one_case(hall: Hall, plan: DemoPlan, target: str, day: date) -> None:
    """One case of ``plan``'s service brought to ``target`` (a status, or "incomplete")."""
    service_id = plan.service_id
    service = registry.get(service_id)
    case = DemoCase(service_id, target, day, {}, {}, hall.pools, db=hall.db, people=hall.people, today=hall.today)
    if not plan.prepare(case):
        return
    day = case.day
    example = service.example(day)
    case.answers = _person(hall, service_id, example["answers"], day)
    case.materials = dict(example["materials"])
    plan.fill(case)
    answers, materials = case.answers, case.materials
    clerk = hall.staff["zhang"] if hall.people.rng.random() < 0.5 else hall.staff["liu"]
    now = _at(day, 9 + hall.people.rng.randint(0, 7))
    by_clerk = HallContext(hall.db, clerk, hall.out)
    if target == status.DRAFT:
        intake.save_draft(hall.db, clerk, service_id, {service.name_key: answers.get(service.name_key)}, {}, now=now)
        hall.count(service_id, target)
        return
    if target == "incomplete":
        first = next(iter(materials))
        materials.pop(first)
        intake.give_notice(by_clerk, service_id, answers, materials, now=now)
        hall.papers += 1
        hall.count(service_id, "已出具一次性告知书")
        return
    if target == status.NOT_ACCEPTED:
        answers.update(plan.refuse)
        if intake.assess_case(hall.db, service_id, answers, materials, day).decision is not Decision.REFUSE:
            return
        intake.refuse(by_clerk, service_id, answers, materials, now=now)
        hall.papers += 1
        hall.count(service_id, target)
        return
    result = intake.accept(by_clerk, service_id, answers, materials, now=now)
    hall.papers += 1 + len(result.extra_papers)
    case.case_id = result.case.id
    plan.accepted(case)
    _advance(hall, plan, result.case.id, target, day, answers)
    hall.count(service_id, target)


def _advance(hall: Hall, plan: DemoPlan, case_id: int, target: str, day: date, answers: dict[str, Any]) -> None:
    service_id = plan.service_id
    sup, clerk = hall.staff["li"], hall.staff["zhang"]
    later = min(day + timedelta(days=2), hall.today)
    kw = dict(now=_at(later, 10))
    by_sup, by_clerk = HallContext(hall.db, sup, hall.out), HallContext(hall.db, clerk, hall.out)
    if registry.get(service_id).decided_at_window:
        if target == status.CANCELLED:  # 撤销登记: a registration made in error, with its 撤销登记决定书
            step = lifecycle.cancel(by_clerk, case_id, "经核查，登记时录入的所有人身份信息有误，登记系错误作出",
                                    Countersign(sup.account.username, PASSWORD), **kw)
            hall.papers += len(step.papers)
        return  # 已办结 at acceptance
    if target == status.SUPPLEMENT:
        step = lifecycle.request_supplement(by_clerk, case_id, ["申请材料原件"], "复印件不清晰，请提供原件核验。", **kw)
        hall.papers += len(step.papers)
    elif target in (status.APPROVED, status.ISSUED):
        if target == status.APPROVED:  # every service shows an extension and its 延期告知书
            step = lifecycle.extend(by_sup, case_id, 5, "需实地核查申报情况，须延长办理期限。", **kw)
            hall.papers += len(step.papers)
        step = lifecycle.approve(by_sup, case_id, **kw)
        hall.papers += len(step.papers)
        if target == status.ISSUED:
            service = registry.get(service_id)
            lifecycle.issue(by_clerk, case_id, answers.get(service.name_key) or "领取人",
                            answers.get(service.id_key), by_proxy=False, now=_at(later, 15))
    elif target == status.REFUSED:
        # Each procedure's own reason (migration 0012 scopes them): the plan's, else its first declared one.
        code = plan.refusal_reason or next((r.code for r in reasons.for_service(service_id)), None)
        if code is None:
            return
        step = lifecycle.refuse(by_sup, case_id, [code], "经现场核查，与申报情况不符。", **kw)
        hall.papers += len(step.papers)
    elif target == status.CANCELLED:
        lifecycle.cancel(by_clerk, case_id, "申请人主动撤回申请", Countersign(sup.account.username, PASSWORD),
                         now=_at(later, 11))


def seed(db: Database, out: Path, per_state: int = 2, seed_value: int = 2026, today: date | None = None,
         services: tuple[str, ...] | None = None) -> Hall:
    """``services``: only these (in the demo order each service package declares); None: every service."""
    today = today or date.today()
    staff = {login: Actor(acc, next(w for name, _n, _r, w in STAFF if name == login), HALL, HALL_ADDRESS, HALL_PHONE)
             for login, acc in _accounts(db).items()}
    hall = Hall(db, out, People(seed_value), staff, today)
    windows = tuple(window for _login, _name, _role, window in STAFF)
    for plan in demo_data.plans():  # e.g. each window's block of plates (the e-bike register)
        plan.setup(db, staff["admin"].account, windows)
    # NOTE (issue 16): each service's package declares its demo plan (desktop.cases.demo_data), in demo order.
    for plan in demo_data.plans():
        if plan.service_id not in registry.services() or (services is not None and plan.service_id not in services):
            continue
        for target in (status.DRAFT, "incomplete", status.NOT_ACCEPTED, *later_states(plan.service_id)):
            for _ in range(per_state + plan.extra(target, per_state)):
                day = today - timedelta(days=hall.people.rng.randint(0, 12))
                try:
                    one_case(hall, plan, target, day)
                except ActionRefused:
                    continue  # a combination the rules do not allow on that day; the hall has others
    return hall


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = open_database(args.db)
    try:
        hall = seed(db, out, per_state=args.per_state, seed_value=args.seed)
    finally:
        db.close()
    print(f"演示大厅已生成：{db.location()}，文书 {hall.papers} 份，保存在 {out}")
    for service_id, states in hall.counts.items():
        summary = "，".join(f"{status.status_label(k) if k in status.LABELS else k} {v}" for k, v in states.items())
        print(f"  {registry.get(service_id).name}：{summary}")
    print(f"账号（密码均为 {PASSWORD}）：{'、'.join(f'{u}（{n}，{r}）' for u, n, r, _w in STAFF)}")
    return 0
