"""`python -m desktop seed-demo`: a believable hall — accounts, and cases of every service in every state."""

from __future__ import annotations

import argparse
import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from desktop.cases import accounts, intake, lifecycle, plates, status
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
# Mutations that make an otherwise accepted case a refusal at the window, per service.
REFUSE = {
    "residence_permit": {"hukou_in_zhengzhou": True},
    # NOTE (issue 13): the demo's refused registration is one whose motor number did not match at the inspection.
    "ebike_registration": {"inspect_motor": "mismatch", "inspect_note": "电机钢印为M24B009999，合格证载M24A001234"},
    "ebike_transfer": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "ebike_theft": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "ebike_destroyed": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "ebike_recovered": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "ebike_plate": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "startup_subsidy": {"applicant_category": "none"},
}
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
    bikes: list[dict[str, Any]] = field(default_factory=list)  # registered: plate, frame, owner fields
    stolen: list[dict[str, Any]] = field(default_factory=list)  # reported stolen, for the 找回 cases
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


def _plate_blocks(db: Database, admin: AccountInfo) -> None:
    """Each window of the demo hall its own block of plates (郑A + window × 10000), unless it has one."""
    # NOTE: the demo hall is one SQLite file, a standalone PC by default: plates come only from the
    # windows' blocks (desktop/cases/plates.py), as the administrator would assign them.
    have = {b.window for b in plates.list_blocks(db)}
    for _login, _name, _role, window in STAFF:
        if window not in have:
            first = int(window) * 10000
            plates.assign_block(db, admin, window, "郑A", 5, first, first + 9999, window="01")


def _person(hall: Hall, service_id: str, answers: dict[str, Any], day: date) -> dict[str, Any]:
    service = registry.get(service_id)
    answers = copy.deepcopy(answers)
    p = hall.people
    if service_id == "ebike_transfer":
        answers.update(new_owner_name=p.name(), new_owner_id_number=p.id_number(),
                       new_owner_phone=p.phone(), new_owner_address=p.address())
        return answers
    answers[service.name_key] = p.name()
    answers[service.id_key] = p.id_number(p.birth(22, 60, day))
    answers[service.phone_key] = p.phone()
    if service_id == "ebike_registration":
        brand, model = p.brand()
        answers.update(frame_no=p.frame_no(), brand=brand, model=model, colour=p.colour(), motor_no=p.motor_no(),
                       owner_address=p.address())
    if service_id == "startup_subsidy":
        answers.update(business_uscc=p.uscc(), business_name=p.business_name(answers["name"]))
    return answers


# The procedures on a bike already in the register (灭失, 找回 and 补领/换领: desktop/cases/ebike_register.py).
ON_A_BIKE = ("ebike_transfer", "ebike_theft", "ebike_destroyed", "ebike_recovered", "ebike_plate")
# How many days after the bike's last case each one may be dated (its dates may not precede the register's).
_AFTER = {"ebike_recovered": 1}


def _pick_bike(hall: Hall, service_id: str, target: str) -> dict[str, Any] | None:
    pool = hall.stolen if service_id == "ebike_recovered" else hall.bikes
    if not pool:
        return None
    # A draft or a one-time notice changes nothing in the register: the bike serves a later case too.
    return pool[0] if target in (status.DRAFT, "incomplete") else pool.pop(0)


def _bike_case(hall: Hall, service_id: str, answers: dict[str, Any], bike: dict[str, Any]) -> dict[str, Any]:
    """Transfers, theft reports and the register's other procedures work on a bike registered in this hall."""
    answers.update(plate_no=bike["plate_no"], frame_no=bike["frame_no"])
    if service_id != "ebike_transfer":
        answers.update(owner_name=bike["owner_name"], owner_id_number=bike["owner_id_number"],
                       owner_id_type="resident_id", owner_phone=bike["owner_phone"])
    return answers


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, hall_minute(hour)))


def hall_minute(hour: int) -> int:
    return (hour * 17) % 60


def one_case(hall: Hall, service_id: str, target: str, day: date) -> None:
    service = registry.get(service_id)
    bike = None
    if service_id in ON_A_BIKE and target != status.NOT_ACCEPTED:
        bike = _pick_bike(hall, service_id, target)
        if bike is None:
            return
        day = min(max(day, bike["day"] + timedelta(days=_AFTER.get(service_id, 0))), hall.today)
    example = service.example(day)
    answers = _person(hall, service_id, example["answers"], day)
    materials = dict(example["materials"])
    if bike is not None:
        _bike_case(hall, service_id, answers, bike)
        if service_id == "ebike_destroyed":  # not before the registration (dm.destroyed)
            answers["destroyed_date"] = max(date.fromisoformat(answers["destroyed_date"]), bike["day"]).isoformat()
        if service_id == "ebike_recovered":  # not before the loss (dh.found); the loss is dated its case's day
            answers["found_date"] = max(date.fromisoformat(answers["found_date"]), bike["day"]).isoformat()
    clerk = hall.staff["zhang"] if hall.people.rng.random() < 0.5 else hall.staff["liu"]
    now = _at(day, 9 + hall.people.rng.randint(0, 7))
    kw = dict(now=now, papers_dir=hall.out)
    if target == status.DRAFT:
        intake.save_draft(hall.db, clerk, service_id, {service.name_key: answers.get(service.name_key)}, {}, now=now)
        hall.count(service_id, target)
        return
    if target == "incomplete":
        first = next(iter(materials))
        materials.pop(first)
        intake.give_notice(hall.db, clerk, service_id, answers, materials, **kw)
        hall.papers += 1
        hall.count(service_id, "已出具一次性告知书")
        return
    if target == status.NOT_ACCEPTED:
        answers.update(REFUSE[service_id])
        if intake.assess_case(hall.db, service_id, answers, materials, day).decision is not Decision.REFUSE:
            return
        intake.refuse(hall.db, clerk, service_id, answers, materials, **kw)
        hall.papers += 1
        hall.count(service_id, target)
        return
    result = intake.accept(hall.db, clerk, service_id, answers, materials, **kw)
    hall.papers += 1 + len(result.extra_papers)
    if service_id == "ebike_registration" and target != status.CANCELLED:  # a revoked one has no bike left
        from desktop.cases.queries import get_case

        stored = get_case(hall.db, result.case.id).answers
        hall.bikes.append({"plate_no": stored.get("plate_no"), "frame_no": stored["frame_no"],
                           "owner_name": stored["owner_name"], "owner_id_number": stored["owner_id_number"],
                           "owner_phone": stored["owner_phone"], "day": day})
    _advance(hall, result.case.id, target, day, answers, service_id)
    if service_id == "ebike_theft" and target not in (status.REFUSED, status.CANCELLED) and bike is not None:
        hall.stolen.append({**bike, "day": min(day + timedelta(days=2), hall.today)})  # still stolen: 找回 may follow
    hall.count(service_id, target)


def _advance(hall: Hall, case_id: int, target: str, day: date, answers: dict[str, Any], service_id: str) -> None:
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
        # Each procedure's own reason (migration 0012 scopes them).
        code = {"residence_permit": "RP02", "startup_subsidy": "CY02", "ebike_transfer": "EB03",
                "ebike_theft": "EB04", "ebike_destroyed": "EB05", "ebike_recovered": "EB06",
                "ebike_plate": "EB07"}.get(service_id, "EB02")
        step = lifecycle.refuse(by_sup, case_id, [code], "经现场核查，与申报情况不符。", **kw)
        hall.papers += len(step.papers)
    elif target == status.CANCELLED:
        lifecycle.cancel(by_clerk, case_id, "申请人主动撤回申请", Countersign(sup.account.username, PASSWORD),
                         now=_at(later, 11))


def seed(db: Database, out: Path, per_state: int = 2, seed_value: int = 2026, today: date | None = None) -> Hall:
    today = today or date.today()
    staff = {login: Actor(acc, next(w for name, _n, _r, w in STAFF if name == login), HALL, HALL_ADDRESS, HALL_PHONE)
             for login, acc in _accounts(db).items()}
    hall = Hall(db, out, People(seed_value), staff, today)
    _plate_blocks(db, staff["admin"].account)
    order = ["residence_permit", "ebike_registration", "startup_subsidy", "ebike_transfer", "ebike_theft",
             "ebike_recovered", "ebike_plate", "ebike_destroyed"]
    for service_id in order:
        if service_id not in registry.services():
            continue
        for target in (status.DRAFT, "incomplete", status.NOT_ACCEPTED, *later_states(service_id)):
            if service_id == "ebike_registration" and target == status.ISSUED:
                extra = per_state * 40  # bikes for the transfer, theft, 补领/换领 and 灭失 cases that follow
            elif service_id == "ebike_theft" and target == status.ISSUED:
                extra = per_state * 6  # stolen bikes for the 找回 cases
            else:
                extra = 0
            for _ in range(per_state + extra):
                day = today - timedelta(days=hall.people.rng.randint(0, 12))
                try:
                    one_case(hall, service_id, target, day)
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
