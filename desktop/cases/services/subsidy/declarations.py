"""What 返乡入乡创业补贴 declares to the seam: its paper kinds, coded refusal reasons and demo plan."""

from __future__ import annotations

from desktop.cases import demo_data, input_guard, paper_kinds, reasons
from desktop.cases.demo_data import DemoCase
from desktop.cases.reasons import RefusalReason
from desktop.cases.services.subsidy.models import SubsidyClaim, SubsidyClaimWorker

SERVICE_ID = "startup_subsidy"

paper_kinds.declare("subsidy_calculation", "补贴核定表")
paper_kinds.declare("subsidy_decision", "补贴核定通知书", certificate=True)  # the subsidy is paid on it
paper_kinds.declare("loan_recommendation", "创业担保贷款推荐意见书", certificate=True)

# Inserted by migrations 0004 and 0012 of the core chain.
reasons.declare(
    RefusalReason("CY01", "不符合返乡入乡创业补贴的申领条件", "郑政办〔2021〕13号 三、", SERVICE_ID),
    RefusalReason("CY02", "经核查，经营或用工情况与申报不符", "郑政办〔2021〕13号 三、", SERVICE_ID),
)


def _business(case: DemoCase) -> None:
    people = case.people
    case.answers.update(business_uscc=people.uscc(), business_name=people.business_name(case.answers["name"]))


demo_data.declare(demo_data.DemoPlan(SERVICE_ID, order=30, refuse={"applicant_category": "none"},
                                     refusal_reason="CY02", fill=_business))

# The answers the claim hook copies into the claim history (tests/desktop/cases/test_field_lengths.py).
input_guard.declare_hook_columns(
    SERVICE_ID,
    (SubsidyClaim.business_uscc, "business_uscc", None), (SubsidyClaim.id_number, "id_number", None),
    (SubsidyClaimWorker.id_number, "employees", "id_number"),
)
