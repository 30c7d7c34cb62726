"""非道路移动机械编码登记: the form and the materials, as data (市政府令第240号 第九条、第三十六条)."""

from __future__ import annotations

from forms import checks
from forms.model import Basis, Field, Kind, Material, When
from forms.zhengzhou import DISTRICT_CHOICES

# NOTE: the document's name without its number: papers cut a basis at its first "（" (papers._deadline_section).
DOC = "郑州市机动车和非道路移动机械排放污染防治办法"
DOC_WITH_NO = DOC + "（市政府令第240号）"
# NOTE (log masking, desktop/cases/log_masking.py): every text field's label or key says what it holds —
# 名称/姓名 (masked as a name), 地点/地址, *_no (masked as a number) — so nothing typed here reaches a log in
# clear; a machine's maker or type is masked too, which costs nothing.
# NOTE: the national notice that names what is reported (see nrmm.toml); cited where a material or a
# field comes from it rather than from the 办法.
NATIONAL = "生态环境部办公厅《关于加快推进非道路移动机械摸底调查和编码登记工作的通知》（环办大气函〔2019〕655号）"


def B(clause: str) -> Basis:
    return Basis(DOC, clause)


# 第三十六条: "主要包括挖掘机、起重机、推土机、装载机、压路机、摊铺机、平地机、叉车、桩工机械、堆高机、发电机组等".
# The list is open ("等"): a type not named is "needs manual check", never a silent pass or a refusal.
LISTED_TYPES: tuple[tuple[str, str], ...] = (
    ("excavator", "挖掘机"),
    ("crane", "起重机"),
    ("bulldozer", "推土机"),
    ("loader", "装载机"),
    ("roller", "压路机"),
    ("paver", "摊铺机"),
    ("grader", "平地机"),
    ("forklift", "叉车"),
    ("piling", "桩工机械"),
    ("stacker", "堆高机"),
    ("generator", "发电机组"),
)
OTHER_TYPE = "other"
MACHINE_TYPES = LISTED_TYPES + ((OTHER_TYPE, "其他（请填写）"),)
FUELS = (("diesel", "柴油"), ("gasoline", "汽油"), ("gas", "天然气/液化石油气"), ("electric", "纯电动（无发动机）"),
         ("other", "其他"))
STAGES = (("1", "第一阶段（国一）"), ("2", "第二阶段（国二）"), ("3", "第三阶段（国三）"), ("4", "第四阶段（国四）"),
          ("0", "无排放阶段标识"))
ACQUISITIONS = (("purchase", "购置"), ("transfer_in", "转入（从外地迁入本区县）"))
OWNER_KINDS = (("unit", "单位"), ("person", "个人"))
TEST_RESULTS = (("pass", "合格"), ("fail", "不合格"))
# 第五条、第九条第二款: the 区县（市） department of where the machine is (第三十五条 brings in the zones).
DEPARTMENT_CHOICES = DISTRICT_CHOICES

other_type = When("machine_type", equals=OTHER_TYPE)
unit = When("owner_kind", equals="unit")
person = When("owner_kind", equals="person")
transfer_in = When("acquisition", equals="transfer_in")

MACHINE = "机械信息"
ENGINE = "发动机与排放"
OWNER = "所有人"
ACQUIRED = "购置或转入"
TEST = "排放检验"

FIELDS: tuple[Field, ...] = (
    Field("machine_type", "机械类型", Kind.CHOICE, choices=MACHINE_TYPES, section=MACHINE,
          help="第三十六条所列机械类型；未列明的选“其他”并填写，由工作人员核实"),
    Field("machine_type_other", "其他机械类型名称", visible_when=other_type, max_length=40, section=MACHINE),
    Field("manufacturer", "生产厂家名称", max_length=100, section=MACHINE),
    Field("model", "机械型号", max_length=60, section=MACHINE),
    Field("product_no", "产品识别号（出厂编号）", max_length=40, section=MACHINE,
          help="机械铭牌上的产品识别号或出厂编号，一台机械只能编码登记一次"),
    Field("manufacture_date", "出厂日期", Kind.DATE, not_future=True, section=MACHINE),
    Field("fuel", "燃料类型", Kind.CHOICE, choices=FUELS, section=ENGINE),
    Field("engine_type_no", "发动机型号", max_length=60, section=ENGINE,
          required_when=When("fuel", one_of=("diesel", "gasoline", "gas", "other"))),
    Field("engine_no", "发动机编号", max_length=40, section=ENGINE,
          required_when=When("fuel", one_of=("diesel", "gasoline", "gas", "other"))),
    Field("emission_stage", "排放阶段", Kind.CHOICE, choices=STAGES, section=ENGINE,
          required_when=When("fuel", one_of=("diesel", "gasoline", "gas", "other"))),
    Field("owner_kind", "所有人类型", Kind.CHOICE, choices=OWNER_KINDS, section=OWNER),
    Field("owner_name", "所有人名称（单位名称或姓名）", max_length=50, section=OWNER),
    Field("owner_uscc", "统一社会信用代码", visible_when=unit, max_length=24, section=OWNER),
    Field("owner_id_type", "证件类型", Kind.CHOICE, choices=checks.ID_TYPE_CHOICES, visible_when=person, section=OWNER),
    Field("owner_id_number", "证件号码", Kind.ID_NUMBER, id_type_key="owner_id_type", visible_when=person,
          section=OWNER),
    Field("contact_name", "联系人姓名", max_length=50, visible_when=unit, section=OWNER),
    Field("owner_phone", "联系电话", Kind.PHONE, section=OWNER),
    Field("owner_address", "地址", max_length=100, section=OWNER),
    Field("acquisition", "购置或转入", Kind.CHOICE, choices=ACQUISITIONS, section=ACQUIRED),
    Field("acquisition_date", "购置或转入日期", Kind.DATE, not_future=True, section=ACQUIRED,
          help="第九条第二款：自购置或者转入之日起15日内报送编码信息"),
    Field("transferred_from", "转出地点", visible_when=transfer_in, max_length=60, section=ACQUIRED),
    Field("department", "登记机关（区县（市）生态环境主管部门）", Kind.CHOICE, choices=DEPARTMENT_CHOICES,
          section=ACQUIRED, help="机械所在或使用地的区县（市）（第五条、第九条第二款、第三十五条）"),
    Field("use_address", "使用地点", max_length=100, section=ACQUIRED),
    Field("test_result", "排放检验结果", Kind.CHOICE, choices=TEST_RESULTS, section=TEST),
    Field("test_report_no", "检验报告编号", max_length=40, section=TEST),
    Field("test_date", "检验日期", Kind.DATE, not_future=True, section=TEST),
    Field("test_agency", "检验机构名称", max_length=100, section=TEST),
)

# NOTE: 第九条第二款 says only "按照规定…报送有关编码信息"; what is reported is the national notice's list
# (nrmm.toml). Each material is the proof of a part of that information.
MATERIALS: tuple[Material, ...] = (
    Material("application_form", "非道路移动机械编码登记信息表", B("第九条第二款")),
    Material("owner_licence", "营业执照或其他主体资格证明", B("第九条第二款"), required_when=unit, shareable=True),
    Material("owner_id", "所有人身份证件", B("第九条第二款"), required_when=person),
    Material("acquisition_proof", "购置发票或转入证明", B("第九条第二款"),
             help="购置的交购置发票；转入的交转出地登记或过户等证明"),
    Material("emission_report", "排放污染物检验合格报告", B("第九条第二款")),
    Material("nameplates", "机械铭牌和发动机铭牌照片", Basis(NATIONAL), core=False),
    Material("env_label", "非道路移动机械环保信息公开标签照片", Basis(NATIONAL), core=False),
)
