"""第十七条: the owner's printed 登记信息查询单 of their own bike, after the clerk checked the owner's ID (audited)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cases import permissions
from desktop.cases.dto import Actor, PrintedPaper
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.cases.intake import fonts_ready, paper_unit, record_paper
from desktop.cases.papers import cn_date, contact_line
from desktop.cases.services.ebike import plates
from desktop.cases.services.ebike.models import EbikeOwnerHistory, EbikeRegistration, EbikeStatusHistory
from desktop.cases.services.ebike.registry import OWNER_KIND_LABELS, _case_no, _find
from desktop.store import audit
from forms import checks
from forms.services.ebike import common as ec

KIND = "registration_query"
TITLE = "电动自行车登记信息查询单"
SERVICE_NAME = "依据《郑州市非机动车管理办法》第十七条提供登记信息查询"
_NOT_OWNER = "证件号码与该车登记的所有人不一致。登记信息查询单只向所有人本人出具，请核对所有人的证件。"

# NOTE (issue 13, 第十七条 "提供有关信息查询服务"): the register's information about a bike is given to
# its owner, so the clerk types the ID number from the owner's card and it must be the register's
# current owner's. The paper names the owner in full in the owner's own entries of the history and
# every earlier owner only masked (THE rules: forms.checks.mask_name / mask_id); ID numbers are
# masked everywhere, as on every paper. A refused attempt is audited without the typed number.


def _label(id_type: str) -> str:
    entry = checks.ID_TYPES_BY_KEY.get(id_type)
    return entry.label if entry else id_type


@dataclass(frozen=True)
class OwnerLine:
    """One entry of the owner history as the sheet prints it (``own``: the requesting owner's own entry)."""

    from_date: date
    kind: str
    name: str
    id_type: str
    id_number: str
    case_no: str
    own: bool


def sheet(bike: Mapping[str, Any], owners: list[OwnerLine], statuses: list[tuple[date, str, str]],
          standalone: bool, case_no: str, actor: Actor, now: datetime) -> dict[str, Any]:
    """The 查询单 snapshot from plain data: ``bike`` has the registration's columns, the current owner's included."""
    since = cn_date(statuses[-1][0]) if statuses else cn_date(bike["registered_on"])
    scope = ("本机为单机模式，本单只含本窗口电脑登记库的记录" if standalone
             else "本单为出具时本大厅登记库的记录")  # NOTE: a standalone PC cannot see the others' registers
    status_name = ec.STATUS_NAMES.get(bike["status"], bike["status"])
    return {
        "kind": KIND, "title": TITLE, "service_name": SERVICE_NAME, "case_no": case_no,
        "hall": actor.hall, "contact": contact_line(actor), "window": actor.window,
        "clerk": actor.account.display_name, "issued_at": now.strftime("%Y-%m-%d %H:%M"),
        "applicant": {"name": bike["owner_name"], "id_type": _label(bike["owner_id_type"]),
                      "id_masked": checks.mask_id(bike["owner_id_number"]), "phone_masked": ""},
        "intro": (f"应所有人本人申请（已核对其{_label(bike['owner_id_type'])}），现将该车的登记信息告知如下。{scope}；"
                  "此前所有人的姓名和证件号码已遮蔽。对登记信息有异议的，可向公安机关交通管理部门提出。"),
        "sections": [
            # NOTE: two pairs a row, so the sheet and its seal stay on one page.
            {"heading": "车辆信息", "type": "table", "columns": ["项目", "内容", "项目", "内容"], "rows": [
                ["号牌号码", bike["plate_no"] or "（未发牌）", "车架号（整车编码）", bike["frame_no"]],
                ["品牌型号", f"{bike['brand']} {bike['model']}", "车身颜色", bike["colour"]],
                ["登记日期", cn_date(bike["registered_on"]), "当前状态", f"{status_name}（自{since}起）"]]},
            {"heading": "所有人记录", "type": "table", "columns": ["日期", "事项", "所有人", "证件", "案件编号"],
             "rows": [[cn_date(o.from_date), OWNER_KIND_LABELS.get(o.kind, o.kind),
                       o.name if o.own else checks.mask_name(o.name),
                       f"{_label(o.id_type)} {checks.mask_id(o.id_number)}", o.case_no if o.own else "—"]
                      for o in owners]},
            {"heading": "登记状态记录", "type": "table", "columns": ["日期", "状态", "案件编号"],
             "rows": [[cn_date(day), ec.STATUS_NAMES.get(st, st), no] for day, st, no in statuses]},
        ],
        "signature": {"label": f"{actor.hall}（印章）", "date": cn_date(now)},
    }


def _snapshot(s: Session, reg: EbikeRegistration, owner_case_no: str, actor: Actor, now: datetime) -> dict:
    own = (reg.owner_id_type, checks.normalize_id(reg.owner_id_number))
    owners = [OwnerLine(o.from_date, o.kind, o.owner_name, o.owner_id_type, o.owner_id_number,
                        _case_no(s, o.case_id) or "", (o.owner_id_type, checks.normalize_id(o.owner_id_number)) == own)
              for o in s.scalars(select(EbikeOwnerHistory).where(EbikeOwnerHistory.registration_id == reg.id)
                                 .order_by(EbikeOwnerHistory.id))]
    statuses = [(h.since, h.status, _case_no(s, h.case_id) or "")
                for h in s.scalars(select(EbikeStatusHistory).where(EbikeStatusHistory.registration_id == reg.id)
                                   .order_by(EbikeStatusHistory.id))]
    bike = {c: getattr(reg, c) for c in ("plate_no", "frame_no", "brand", "model", "colour", "status", "registered_on",
                                         "owner_name", "owner_id_type", "owner_id_number")}
    return sheet(bike, owners, statuses, plates.standalone(s), owner_case_no, actor, now)


def print_owner_query(hall: HallContext, plate_or_frame: str, id_type: str, id_number: str, *,
                      now: datetime | None = None) -> PrintedPaper:
    """The 登记信息查询单 for the owner whose ID the clerk typed (InputError ``id_number`` when it is not theirs)."""
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    now = now or datetime.now()
    code, typed = ec.normalize_code(plate_or_frame), checks.normalize_id(id_number or "")
    if not typed:
        raise InputError({"id_number": "请输入所有人证件上的号码"})
    with db.unit() as s:
        permissions.require(s, actor, "intake")
    fonts_ready(font_path)
    refused: int | None = None
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "intake")
        reg = _find(s, code, code) if code else None
        if reg is None:
            raise ActionRefused("未找到该号牌或车架号的登记。")
        if (reg.owner_id_type, checks.normalize_id(reg.owner_id_number)) != (id_type, typed):
            refused = reg.id
        else:
            owner = s.scalar(select(EbikeOwnerHistory).where(EbikeOwnerHistory.registration_id == reg.id)
                             .order_by(EbikeOwnerHistory.id.desc()).limit(1))
            case_id = owner.case_id if owner else reg.registered_case_id
            snap = _snapshot(s, reg, _case_no(s, case_id) or "", actor, now)
            return record_paper(s, case_id, snap, actor, now, papers_dir, font_path, written)
    # NOTE: recorded in its own unit (the paper's unit wrote nothing): who tried, for which bike —
    # never the typed number.
    with db.unit() as s:
        audit.append(s, "ebike.query_refused", actor=actor.account.username, window=actor.window,
                     detail={"registration_id": refused})
    raise InputError({"id_number": _NOT_OWNER})
