"""This service's part of the demo hall: excavators, loaders and forklifts of demo companies and people."""

from __future__ import annotations

from desktop.cases import demo_data
from desktop.cases.demo_data import DemoCase, DemoPlan
from forms.services.nrmm import SERVICE_ID

_TYPES = ("excavator", "loader", "forklift", "crane", "roller")
_USCC = "91410100MA44D2LQ5T"  # a well-formed 统一社会信用代码 (GB 32100 check character)


def _fill(case: DemoCase) -> None:
    # NOTE: every demo machine is a different one (the register refuses the same product number twice).
    serial = len(case.pools.setdefault("nrmm_products", [])) + 1
    case.pools["nrmm_products"].append({"n": serial})
    case.answers["product_no"] = f"DEMO{case.day:%y%m%d}{serial:05d}"
    case.answers["machine_type"] = _TYPES[serial % len(_TYPES)]
    # NOTE: every other machine not yet collected is a company's (the demo person is its contact); a case
    # that reaches 发放 stays a person's, whose ID the hand-over checks.
    if serial % 2 and case.target != "issued":
        contact = case.answers.get("owner_name")
        case.answers.update(owner_kind="unit", owner_name=f"郑州市示例{serial}号工程机械有限公司",
                            owner_uscc=_USCC, contact_name=contact)
        for key in ("owner_id_type", "owner_id_number"):
            case.answers.pop(key, None)
        case.materials.pop("owner_id", None)
        case.materials["owner_licence"] = "shared"


PLAN = demo_data.declare(DemoPlan(
    service_id=SERVICE_ID,
    order=40,
    refuse={"test_result": "fail"},  # 第九条第二款: not passed the emission test → 不予受理 at the window
    refusal_reason="FD04",  # the department found the reported information did not match the machine
    fill=_fill,
))
