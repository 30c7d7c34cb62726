"""非道路移动机械编码登记 (郑州市机动车和非道路移动机械排放污染防治办法 第九条): the pure part of the service.

Facts contract (passed by the case layer, desktop/cases/services/nrmm; forms never reads the database):

    facts["registration"] = {"status": "registered", "code", "case_no", "registered_on"}
        the machine's product number already has a code → refused (编码不重复核发, 第九条第一款);
    facts["registration"] = {"status": "pending", "case_no"}
        another accepted case for this product number is not decided yet → correct (no second application);
    facts["registration"] = None
        looked up, none found → pass;
    "registration" absent
        not looked up → "needs manual check" (the case layer always looks it up, and checks again under its lock).

Lifecycle: the window accepts (受理回执, the 7-working-day deadline of 第九条第三款 starts); the 区县（市）
生态环境主管部门 completes the registration — 批准 in HallDesk, which issues the code and prints the
编码登记证明 — or refuses it (不予登记决定书, coded reasons); 发放 records who collected the certificate.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from forms.model import Basis
from forms.service import Service
from forms.services.nrmm.form import DOC, DOC_WITH_NO, FIELDS, MATERIALS
from forms.services.nrmm.rules import RULES, deadlines

SERVICE_ID = "nrmm_registration"
PARAMS_DIR = Path(__file__).resolve().parent  # nrmm.toml lives with the service


def example(today: date) -> dict:
    """A new excavator bought five days before ``today`` by a person, tested and accepted on ``today``."""
    from datetime import timedelta

    return {
        "answers": {
            "machine_type": "excavator",
            "manufacturer": "三一重机有限公司",
            "model": "SY215C",
            "product_no": "SY021523K0012345",
            "manufacture_date": (today - timedelta(days=60)).isoformat(),
            "fuel": "diesel",
            "engine_type_no": "6BTA5.9-C180",
            "engine_no": "69012345",
            "emission_stage": "4",
            # NOTE: a person owns the example machine (the unit case is in the tests and every other demo machine):
            # the case layer's privacy tests expect every example to carry a name, an ID number and a phone.
            "owner_kind": "person",
            "owner_name": "张伟",
            "owner_id_type": "resident_id",
            "owner_id_number": "410105197501010019",
            "owner_phone": "13800138000",
            "owner_address": "郑州市金水区花园路10号",
            "acquisition": "purchase",
            "acquisition_date": (today - timedelta(days=5)).isoformat(),
            "department": "410105",
            "use_address": "郑州市金水区北三环某工地",
            "test_result": "pass",
            "test_report_no": "FDJC2026-0001",
            "test_date": (today - timedelta(days=3)).isoformat(),
            "test_agency": "郑州市示例机动车检测有限公司",
        },
        "materials": {"application_form": "provided", "owner_id": "provided", "acquisition_proof": "provided",
                      "emission_report": "provided", "nameplates": "provided", "env_label": "provided"},
        "facts": {"registration": None},
    }


SERVICE = Service(
    service_id=SERVICE_ID,
    name="非道路移动机械编码登记",
    code="FD",
    # NOTE: 第九条第三款: the 区县 department "完成编码登记"; its decision is a registration, not a 许可.
    approve_word="完成编码登记",
    decline_word="不予登记",
    basis=Basis(DOC_WITH_NO),
    version="2026.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=RULES,
    params_name="nrmm",
    params_dir=PARAMS_DIR,
    deadlines=deadlines,
    example=example,
    description="购置或者转入并经排放检验合格的非道路移动机械，向区县（市）生态环境主管部门报送编码信息（市政府令第240号 第九条）",
    name_key="owner_name",
    id_key="owner_id_number",
    phone_key="owner_phone",
    order=40,
    collects="非道路移动机械编码登记证明",
    paper_titles={"refusal_decision": "不予登记决定书"},
    # NOTE: 编码登记 is a registration the 办法 imposes (第九条), not an administrative licence (行政许可法
    # 第二条), so neither the form's checks nor the 一次性告知书 cite 行政许可法 第三十二条: the information
    # asked for is what 第九条第二款 has the owner report, and telling everything missing at once is the
    # hall's 一次告知 duty (郑政办〔2021〕10号（十八）1, as the subsidy cites it).
    form_basis=Basis(DOC, "第九条第二款"),
    notice_basis=(Basis(DOC, "第九条第二款"), Basis("郑政办〔2021〕10号", "（十八）1")),
    duplicate_scope=None,  # NOTE: the same machine is the duplicate, whoever applies: the `once` rule's facts
)
