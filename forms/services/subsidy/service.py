"""返乡入乡创业补贴申领: six claims of 郑政办〔2021〕13号 with amounts, caps and claim history.

The form, materials and rules live in forms/services/subsidy/; the facts the case layer must pass in
(earlier claims, workers counted elsewhere) are described in forms/services/subsidy/history.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from forms import periods
from forms.model import Basis
from forms.promised import promised_deadline
from forms.service import Service
from forms.services.subsidy.amounts import RULES, amounts
from forms.services.subsidy.form import DOC, FIELDS, MATERIALS, PARAMS, PARAMS_DIR


def _id(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


def example(today: date) -> dict:
    """A complete site-costs claim accepted on ``today``: three months of park costs, no earlier claims."""
    this_month = today.replace(day=1)
    # NOTE: one claim covers months of one budget year (see forms/services/subsidy/costs.py).
    months = [periods.add_months(this_month, -k) for k in (3, 2, 1)]
    months = [m for m in months if m.year == today.year] or [this_month]
    rows = []
    for m in months:
        rows.append({"month": m.isoformat(), "category": "rent", "amount": "3000.00"})
        rows.append({"month": m.isoformat(), "category": "utilities", "amount": "420.50"})
    registered = periods.add_months(today, -14)
    return {
        "answers": {
            "claim_type": "site_costs",
            "name": "张建国",
            "id_number": _id("41018219850612301"),
            "phone": "13903710000",
            "applicant_category": "migrant_worker",
            "business_name": "荥阳市建国农副产品加工有限公司",
            "business_uscc": "91410182MA9K2B3X0A",
            "registration_date": registered.isoformat(),
            "operating_start_date": (registered + timedelta(days=10)).isoformat(),
            "business_address": "郑州市荥阳市豫龙镇返乡创业园3号楼",
            "park_type": "returnee_park",
            "park_name": "荥阳市返乡入乡创业产业园",
            "move_in_date": periods.add_months(today, -13).isoformat(),
            "park_costs": rows,
        },
        "materials": {
            "application_form": "provided",
            "id_card": "provided",
            "returnee_proof": "pledged",
            "business_licence": "shared",
            "park_agreement": "provided",
            "cost_invoices": "provided",
            "bank_account": "provided",
        },
        # No earlier claims, no other open claim of this kind, no other name under this ID number.
        "facts": {"earlier_claims": [], "workers_elsewhere": [], "duplicates.open_cases": [],
                  "duplicates.other_names": []},
    }


SERVICE = Service(
    service_id="startup_subsidy",
    name="返乡入乡创业补贴申领",
    code="CY",
    basis=Basis(DOC),
    version="2021.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=RULES,
    params_name=PARAMS,
    params_dir=PARAMS_DIR,
    # NOTE: met by the decision (核定 or 不予核定); the payment follows the treasury (issue 14).
    deadlines=promised_deadline("promised_days", "审核办结", stage="decision"),
    amounts=amounts,
    example=example,
    paper_titles={"receipt": "补贴申请受理回执"},
    description="返乡入乡创业人员申领一次性创业补贴、吸纳贫困劳动力奖补、园区场地和农村电商补贴、"
    "创业培训补贴及创业担保贷款（郑政办〔2021〕13号）",
    order=30,
    amounts_on_own_paper=True,
    duplicate_scope=("claim_type",),  # a person may claim several measures: the same application is the same claim
    # NOTE: a subsidy is not an administrative licence (行政许可法 第二条), so neither its form's checks
    # nor its 一次性告知书 cite 行政许可法 第三十二条 (issue 14). The form asks what the plan's measures
    # need to be decided; telling everything missing at once is the hall's 一次告知 duty of 郑政办〔2021〕10号
    # （十八）1 (verified in ../shared/regulations/), which carries out the national 优化营商环境条例 and
    # 国发〔2022〕5号. Their article numbers could not be verified from the sources at hand (the search
    # found 国发〔2022〕5号's text only in part, the 条例's not at all), so they are cited without one.
    form_basis=Basis(DOC),
    notice_basis=(
        Basis(DOC),
        Basis("郑政办〔2021〕10号", "（十八）1"),
        Basis("《优化营商环境条例》（国务院令第722号）"),
        Basis("《国务院关于加快推进政务服务标准化规范化便利化的指导意见》（国发〔2022〕5号）"),
    ),
)
