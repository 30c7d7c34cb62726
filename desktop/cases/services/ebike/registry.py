"""E-bike registry in the case layer: facts for the three e-bike rules, the accept hooks, and the status search."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.cases import facts, hooks, identifiers, numbers
from desktop.cases.errors import ActionRefused
from desktop.cases.hooks import HookResult, IntakeContext
from desktop.cases.papers import cn_date, header
from desktop.cases.services.ebike import plate_issue, plates
from desktop.cases.services.ebike.models import EbikeOwnerHistory, EbikeRegistration, EbikeStatusHistory
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Case
from forms import checks
from forms.service import Service
from forms.services.ebike import common as ec, inspection
from forms.values import parse_answers

REGISTERED = "registered"
OWNER_KIND_LABELS = {"first": "初次登记", "transfer": "转移登记"}
CERTIFICATE_TITLE = "电动自行车登记证明"  # NOTE: the plate is handed over with it (第十四条 及时发放)
TRANSFER_TITLE = "电动自行车转移登记证明"
_CHANGED = "该车的登记刚被其他窗口修改，本次未保存。请重新查询、审查后再办理。"


# --- look-ups ------------------------------------------------------------------------------------


def _find(s: Session, plate: str, frame: str, lock: bool = False) -> EbikeRegistration | None:
    """By plate first, then by frame number (both in normalize_code form)."""
    for column, value in ((EbikeRegistration.plate_no, plate), (EbikeRegistration.frame_no, frame)):
        if value:
            query = select(EbikeRegistration).where(column == value)
            reg = s.scalar(query.with_for_update() if lock else query)
            if reg is not None:
                return reg
    return None


def _case_no(s: Session, case_id: int) -> str | None:
    return s.scalar(select(Case.case_no).where(Case.id == case_id))


def _last_transfer_on(s: Session, reg: EbikeRegistration) -> date | None:
    return s.scalar(select(EbikeOwnerHistory.from_date).where(
        EbikeOwnerHistory.registration_id == reg.id, EbikeOwnerHistory.kind == "transfer")
        .order_by(EbikeOwnerHistory.id.desc()).limit(1))


def _registration_facts(s: Session, reg: EbikeRegistration) -> dict[str, Any]:
    """The facts contract of forms.services.ebike.common.find_registration (dates as ISO strings, as stored)."""
    transferred = _last_transfer_on(s, reg)
    return {
        "case_no": _case_no(s, reg.registered_case_id),
        "plate_no": reg.plate_no,
        "frame_no": reg.frame_no,
        "owner_name": reg.owner_name,
        "owner_id_type": reg.owner_id_type,
        "owner_id_number": reg.owner_id_number,
        "status": reg.status,
        "registered_on": reg.registered_on.isoformat(),
        "last_transfer_on": transferred.isoformat() if transferred else None,
    }


# --- facts for the rules (each follows its rule module's facts contract) --------------------------


@facts.keyed_by("ebike_registration", "ebike_transfer", "ebike_theft")
def bike_keys(service: Service, answers: Mapping[str, Any]) -> list[str]:
    """A bike is known by its frame number and its plate: every e-bike case of it locks both."""
    plate, frame = ec.normalize_code(answers.get("plate_no")), ec.normalize_code(answers.get("frame_no"))
    return ([f"frame:{frame}"] if frame else []) + ([f"plate:{plate}"] if plate else [])


@facts.provides("ebike_registration")
def frame_facts(s: Session, service: Service, answers: Mapping[str, Any], case_id: int | None) -> dict[str, Any]:
    frame = ec.normalize_code(answers.get("frame_no"))
    if not frame:
        return {}  # nothing to look up: the rule asks for the frame number
    reg = s.scalar(select(EbikeRegistration).where(EbikeRegistration.frame_no == frame))
    if reg is None or (case_id is not None and reg.registered_case_id == case_id):
        # NOTE: a standalone PC's register is only its own (plates.standalone): the rule says so.
        return {"frame_registered": None, **({"frame_register_scope": "standalone"} if plates.standalone(s) else {})}
    return {"frame_registered": {"case_no": _case_no(s, reg.registered_case_id), "plate_no": reg.plate_no,
                                 "status": reg.status}}


@facts.provides("ebike_transfer", "ebike_theft")
def registration_facts(s: Session, service: Service, answers: Mapping[str, Any],
                       case_id: int | None) -> dict[str, Any]:
    plate, frame = ec.normalize_code(answers.get("plate_no")), ec.normalize_code(answers.get("frame_no"))
    if not plate and not frame:
        return {}
    reg = _find(s, plate, frame)
    return {"registration": _registration_facts(s, reg) if reg else None}


# --- accept hooks (inside the intake transaction) -------------------------------------------------


def _typed(ctx: IntakeContext) -> dict[str, Any]:
    typed, _ = parse_answers(ctx.service.fields, ctx.answers, ctx.now.date(), strict=False)
    return typed


def _audit(ctx: IntakeContext, action: str, detail: dict[str, Any]) -> None:
    audit.append(ctx.session, action, actor=ctx.actor.account.username, window=ctx.actor.window,
                 case_id=ctx.case.id, detail=detail)


def _index_case(ctx: IntakeContext, reg: EbikeRegistration) -> None:
    # NOTE: the case keeps the registry's plate and frame number even when the clerk typed only
    # one of them, so a search by either finds every case of the bike.
    identifiers.record(ctx.session, ctx.case, "plate_no", reg.plate_no)
    identifiers.record(ctx.session, ctx.case, "frame_no", reg.frame_no)


def _bike_rows(reg: EbikeRegistration) -> list[list[str]]:
    return [
        ["号牌号码", reg.plate_no or "（未发牌）"],
        ["车架号（整车编码）", reg.frame_no],
        ["品牌型号", f"{reg.brand} {reg.model}"],
        ["车身颜色", reg.colour],
    ]


@hooks.on("accepted", "ebike_registration")
def register_bike(ctx: IntakeContext) -> HookResult:
    """First registration: the registry row, its first owner, a plate from the pool, the certificate."""
    s, typed, now = ctx.session, _typed(ctx), ctx.now
    if ec.normalize_code(typed.get("plate_no")):
        # NOTE: a plate typed by hand could collide with a number the pool issues later.
        raise ActionRefused("号牌号码由号牌库在受理时统一分配，请清空“号牌号码”一栏后再受理。")
    frame = ec.normalize_code(typed["frame_no"])
    plate = plate_issue.allocate(s, ctx.actor.window)
    reg = EbikeRegistration(
        frame_no=frame, plate_no=plate, status=REGISTERED, brand=typed["brand"], model=typed["model"],
        colour=typed["colour"], owner_name=typed["owner_name"], owner_id_type=typed["owner_id_type"],
        owner_id_number=checks.normalize_id(typed["owner_id_number"]), registered_case_id=ctx.case.id,
        registered_on=now.date(), created_at=now, updated_at=now,
    )
    try:
        # NOTE: the rule dc.frame_unique already refuses a known frame number; the unique
        # constraint catches two windows accepting the same bike at the same moment.
        with s.begin_nested():
            s.add(reg)
            s.flush()
    except IntegrityError:
        other = s.scalar(select(EbikeRegistration).where(EbikeRegistration.frame_no == frame))
        if other is None:
            raise
        raise ActionRefused(f"车架号{frame}已由案件{_case_no(s, other.registered_case_id)}登记"
                            f"（号牌{other.plate_no or '未发'}），同一车架号不能重复登记。本次未保存。") from None
    s.add(EbikeOwnerHistory(registration_id=reg.id, kind="first", owner_name=reg.owner_name,
                            owner_id_type=reg.owner_id_type, owner_id_number=reg.owner_id_number,
                            from_date=now.date(), case_id=ctx.case.id, recorded_at=now))
    s.add(EbikeStatusHistory(registration_id=reg.id, status=REGISTERED, since=now.date(), case_id=ctx.case.id,
                             recorded_at=now))
    _index_case(ctx, reg)
    ctx.case.answers = {**ctx.case.answers, "plate_no": plate}
    _audit(ctx, "ebike.registered", {"plate_no": plate, "frame_no": frame})
    return HookResult(receipt_rows=_bike_rows(reg)[:3], papers=[_certificate(ctx, reg, typed)])


def _certificate(ctx: IntakeContext, reg: EbikeRegistration, typed: Mapping[str, Any]) -> dict[str, Any]:
    snap = header("registration_certificate", CERTIFICATE_TITLE, ctx.service, dict(ctx.answers),
                  numbers.number_of(ctx.case), ctx.actor, ctx.now)
    snap["intro"] = f"经现场查验，下列电动自行车符合登记条件，准予登记，当场核发号牌{reg.plate_no}。"
    rows = _bike_rows(reg) + [["电机号", typed.get("motor_no") or ""], ["登记日期", cn_date(reg.registered_on)]]
    inspected = inspection.record(ctx.answers)
    if inspected is not None:
        # NOTE (issue 13): what the clerk compared at the window is on the certificate the owner keeps,
        # as one row so the certificate stays one page.
        rows.append(["现场查验", f"{inspection.summary(inspected)}（查验人{ctx.actor.account.display_name}）"])
    snap["sections"] = [
        {"heading": "登记信息", "type": "table", "columns": ["项目", "内容"], "rows": rows},
        {"heading": "注意事项", "type": "text", "text": (
            "一、驾驶电动自行车上道路行驶，应当依规悬挂号牌，并保持号牌完整、清晰，不得污损、遮挡（第二十一条）。\n"
            "二、禁止盗用、冒用或者使用伪造、变造的电动自行车号牌（第二十一条）。\n"
            "三、所有权发生变更、转移的，应当办理转移登记；被盗、遗失、灭失的，可以办理登记（第十五条）。"
        )},
    ]
    snap["footer"] = "依据《郑州市非机动车管理办法》第十三条、第十四条、第十七条。请妥善保管本证明。"
    return snap


@hooks.on("accepted", "ebike_transfer")
def transfer_bike(ctx: IntakeContext) -> HookResult:
    """Transfer: the new owner becomes current, the old one stays in the history (第十五条, 第十七条)."""
    s, typed, now = ctx.session, _typed(ctx), ctx.now
    plate, frame = ec.normalize_code(typed.get("plate_no")), ec.normalize_code(typed.get("frame_no"))
    reg = _find(s, plate, frame, lock=True)
    new_type, new_number = typed["new_owner_id_type"], checks.normalize_id(typed["new_owner_id_number"])
    # NOTE: the rules ran a moment ago in another unit of work; what they relied on is checked
    # again under the write lock so a concurrent transfer or theft report cannot slip in between.
    if reg is None or reg.status != REGISTERED or (reg.owner_id_type, reg.owner_id_number) == (new_type, new_number):
        raise ActionRefused(_CHANGED)
    previous = reg.owner_name
    reg.owner_name, reg.owner_id_type, reg.owner_id_number = typed["new_owner_name"], new_type, new_number
    reg.updated_at = now
    s.add(EbikeOwnerHistory(registration_id=reg.id, kind="transfer", owner_name=reg.owner_name,
                            owner_id_type=new_type, owner_id_number=new_number,
                            from_date=typed["transfer_date"], case_id=ctx.case.id, recorded_at=now))
    _index_case(ctx, reg)
    _audit(ctx, "ebike.transferred", {"plate_no": reg.plate_no, "frame_no": reg.frame_no})
    rows = [["号牌号码", reg.plate_no or "（未发牌）"], ["车架号（整车编码）", reg.frame_no],
            ["新所有人", reg.owner_name], ["转移日期", cn_date(typed["transfer_date"])]]
    snap = header("transfer_certificate", TRANSFER_TITLE, ctx.service, dict(ctx.answers), numbers.number_of(ctx.case),
                  ctx.actor, now)
    snap["intro"] = (f"号牌{reg.plate_no}的电动自行车所有权已由{previous}转移至{reg.owner_name}，"
                     "准予转移登记，原号牌继续有效。")
    snap["sections"] = [{"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
                         "rows": _bike_rows(reg) + [["转移日期", cn_date(typed["transfer_date"])],
                                                    ["原登记日期", cn_date(reg.registered_on)]]}]
    snap["footer"] = "依据《郑州市非机动车管理办法》第十五条、第十七条。请妥善保管本证明。"
    return HookResult(receipt_rows=rows, papers=[snap])


@hooks.on("accepted", "ebike_theft")
def report_loss(ctx: IntakeContext) -> HookResult:
    """Theft or loss: the registration's status changes and the change is kept in its history."""
    s, typed, now = ctx.session, _typed(ctx), ctx.now
    plate, frame = ec.normalize_code(typed.get("plate_no")), ec.normalize_code(typed.get("frame_no"))
    reg = _find(s, plate, frame, lock=True)
    kind = typed["report_kind"]
    owner = (typed["owner_id_type"], checks.normalize_id(typed["owner_id_number"]))
    if reg is None or reg.status in ("destroyed", kind) or (reg.owner_id_type, reg.owner_id_number) != owner:
        raise ActionRefused(_CHANGED)
    reg.status, reg.updated_at = kind, now
    s.add(EbikeStatusHistory(registration_id=reg.id, status=kind, since=typed["loss_date"], case_id=ctx.case.id,
                             recorded_at=now))
    _index_case(ctx, reg)
    _audit(ctx, "ebike.status", {"plate_no": reg.plate_no, "frame_no": reg.frame_no, "status": kind})
    rows = [["号牌号码", reg.plate_no or "（未发牌）"], ["车架号（整车编码）", reg.frame_no],
            ["登记状态", ec.STATUS_NAMES[kind]], [f"{ec.STATUS_NAMES[kind]}日期", cn_date(typed["loss_date"])]]
    if kind == "stolen" and typed.get("police_report_no"):
        rows.append(["报案回执编号", typed["police_report_no"]])
    return HookResult(receipt_rows=rows)


# --- the clerk's status search (第十七条: 提供有关信息查询服务) -----------------------------------


@dataclass(frozen=True)
class OwnerEntry:
    kind_label: str
    name: str
    id_type_label: str
    id_masked: str
    from_date: date
    case_no: str | None


@dataclass(frozen=True)
class StatusEntry:
    status: str
    status_label: str
    since: date
    case_no: str | None


@dataclass(frozen=True)
class RegistrationView:
    plate_no: str | None
    frame_no: str
    status: str
    status_label: str
    brand: str
    model: str
    colour: str
    owner_name: str
    owner_id_type_label: str
    owner_id_masked: str
    registered_on: date
    registered_case_no: str | None
    owners: tuple[OwnerEntry, ...]  # oldest first; the last one is the current owner
    statuses: tuple[StatusEntry, ...]  # oldest first


def _id_type_label(key: str) -> str:
    entry = checks.ID_TYPES_BY_KEY.get(key)
    return entry.label if entry else key


def find_registration(db: Database, plate_or_frame: str) -> RegistrationView | None:
    """The registration with this plate or frame number, with its owners and statuses (IDs masked)."""
    code = ec.normalize_code(plate_or_frame)
    if not code:
        return None
    with db.read() as s:
        reg = _find(s, code, code)
        if reg is None:
            return None
        owners = s.scalars(select(EbikeOwnerHistory).where(EbikeOwnerHistory.registration_id == reg.id)
                           .order_by(EbikeOwnerHistory.id))
        statuses = s.scalars(select(EbikeStatusHistory).where(EbikeStatusHistory.registration_id == reg.id)
                             .order_by(EbikeStatusHistory.id))
        return RegistrationView(
            plate_no=reg.plate_no, frame_no=reg.frame_no, status=reg.status,
            status_label=ec.STATUS_NAMES.get(reg.status, reg.status), brand=reg.brand, model=reg.model,
            colour=reg.colour, owner_name=reg.owner_name, owner_id_type_label=_id_type_label(reg.owner_id_type),
            owner_id_masked=checks.mask_id(reg.owner_id_number), registered_on=reg.registered_on,
            registered_case_no=_case_no(s, reg.registered_case_id),
            owners=tuple(OwnerEntry(OWNER_KIND_LABELS.get(o.kind, o.kind), o.owner_name,
                                    _id_type_label(o.owner_id_type), checks.mask_id(o.owner_id_number),
                                    o.from_date, _case_no(s, o.case_id)) for o in owners),
            statuses=tuple(StatusEntry(h.status, ec.STATUS_NAMES.get(h.status, h.status), h.since,
                                       _case_no(s, h.case_id)) for h in statuses),
        )
