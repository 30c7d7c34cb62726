"""The 返乡入乡创业补贴 form: claim types, applicant, business, employees, cost tables and materials."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from forms.model import Basis, Field, Kind, Material, When
from forms.params import load_params

DOC = "郑政办〔2021〕13号"
PARAMS = "startup_subsidy"
PARAMS_DIR = Path(__file__).resolve().parent  # startup_subsidy.toml lives with the service


def B(clause: str) -> Basis:
    return Basis(DOC, clause)


# NOTE: 返乡创业之星 (三、（二）5 "市本级每年评选30名农民工返乡创业之星，每人奖励10000元") is left
# out: it is a yearly selection by the city, not a claim a founder makes at a window, so the hall
# has nothing to assess; likewise the provincial 示范园区/示范项目 awards ("按省有关规定").
STARTUP_ONCE = "startup_once"
POOR_LABOUR = "poor_labour"
SITE_COSTS = "site_costs"
ECOMMERCE = "ecommerce"
TRAINING = "training"
LOAN = "guaranteed_loan"

CLAIM_TYPES = (
    (STARTUP_ONCE, "一次性返乡创业补贴（10000元）"),
    (POOR_LABOUR, "吸纳贫困家庭劳动力一次性奖补"),
    (SITE_COSTS, "入驻园区（孵化基地）场地费用补贴"),
    (ECOMMERCE, "农村电子商务服务平台场地租金和网络使用费补贴"),
    (TRAINING, "创业培训补贴"),
    (LOAN, "创业担保贷款（额度与免除反担保）"),
)
CLAIM_BASIS = {
    STARTUP_ONCE: B("三、（二）5"),
    POOR_LABOUR: B("三、（二）5"),
    SITE_COSTS: B("三、（二）6"),
    ECOMMERCE: B("三、（二）6"),
    TRAINING: B("三、（五）11"),
    LOAN: B("三、（二）4"),
}
BUSINESS_CLAIMS = (STARTUP_ONCE, POOR_LABOUR, SITE_COSTS, ECOMMERCE, LOAN)
EMPLOYEE_CLAIMS = (STARTUP_ONCE, POOR_LABOUR)
COST_CLAIMS = (SITE_COSTS, ECOMMERCE)
# Claims whose rules need the earlier claims from the database (the loan is decided by the bank).
HISTORY_CLAIMS = (STARTUP_ONCE, POOR_LABOUR, SITE_COSTS, ECOMMERCE, TRAINING)

MIGRANT_WORKER = "migrant_worker"
GRADUATE = "college_graduate"
OTHER_RETURNEE = "other_returnee"
NOT_RETURNEE = "none"
APPLICANT_CATEGORIES = (
    (MIGRANT_WORKER, "返乡入乡创业农民工"),
    (GRADUATE, "返乡入乡创业的高校毕业生（大学生）"),
    (OTHER_RETURNEE, "其他返乡入乡（下乡）创业人员"),
    (NOT_RETURNEE, "不属于返乡入乡创业人员"),
)

PARK_TYPES = (
    ("returnee_park", "区县（市）返乡入乡创业园区"),
    ("industrial_cluster", "产业集聚区"),
    ("commercial_area", "特色商业区"),
    ("business_district", "商务中心区"),
    ("specialized_park", "其他专业园区"),
    ("incubator", "孵化基地"),
    ("startup_park", "创业园区"),
)
SITE_CATEGORIES = (
    ("property", "物管费"),
    ("sanitation", "卫生费"),
    ("rent", "房租费"),
    ("utilities", "水电费"),
    ("site_lease", "场地租赁费"),
)
ECOMMERCE_CATEGORIES = (
    ("site_rent", "场地租金"),
    ("network", "网络使用费"),
)
# NOTE: the types are the usual public entrepreneurship courses (GYB/SYB/IYB, online, practical
# training); what each pays is a hall setting in resources/params (training_amounts), which
# 三、（五）11 bounds to 200—1500 yuan.
TRAINING_TYPES = (
    ("gyb", "产生你的企业想法（GYB）"),
    ("syb", "创办你的企业（SYB）"),
    ("iyb", "改善你的企业（IYB）"),
    ("online", "网络创业培训"),
    ("practical", "创业实训"),
)
BORROWERS = (("individual", "个人（返乡下乡创业人员）"), ("small_business", "小微企业"))
COUNTER_GUARANTEE = (
    ("none", "无，按规定提供反担保"),
    ("demo_project", "市级（含）以上返乡下乡创业示范项目、助力脱贫攻坚优秀项目"),
    ("contest_award", "市级（含）以上政府（部门）主办的创业大赛获奖项目"),
    ("second_time", "经营稳定守信的二次创业者"),
    ("credit_rated", "经金融机构认定的信用小微企业、商户、农户"),
    ("graduate_prize", "大学生在市级以上政府部门组织的创业创新大赛获三等奖以上"),
)


def _entry_max() -> Decimal:
    # NOTE: a typo guard for one monthly bill, not a policy amount; it lives in the parameter file
    # with the others. Field bounds are static, so the latest value is taken at import.
    return load_params(PARAMS, PARAMS_DIR).parameter("cost_entry_max").values[-1].value


def _claim_in(*claims: str) -> When:
    return When("claim_type", one_of=claims) if len(claims) > 1 else When("claim_type", equals=claims[0])


def _cost_table(key: str, label: str, categories: tuple, claim: str, help_text: str) -> Field:
    return Field(
        key, label, Kind.TABLE, section="费用明细", visible_when=_claim_in(claim), help=help_text,
        columns=(
            Field("month", "费用所属月份（填该月任一日）", Kind.DATE, not_future=True),
            Field("category", "费用类别", Kind.CHOICE, choices=categories),
            Field("amount", "当月实际发生金额（元）", Kind.DECIMAL, minimum=Decimal("0.01"), maximum=_entry_max()),
        ),
    )


FIELDS = (
    Field("claim_type", "申领事项", Kind.CHOICE, choices=CLAIM_TYPES, section="申领事项"),
    Field("name", "申请人姓名", max_length=30, section="申请人"),
    Field("id_number", "公民身份号码", Kind.ID_NUMBER, section="申请人"),
    Field("phone", "联系电话", Kind.PHONE, section="申请人"),
    Field(
        "applicant_category", "申请人身份", Kind.CHOICE, choices=APPLICANT_CATEGORIES, section="申请人",
        help="一次性返乡创业补贴限返乡入乡创业农民工；高校毕业生创业担保贷款最高40万元",
    ),
    Field("business_name", "经营主体名称", max_length=60, section="经营主体", visible_when=_claim_in(*BUSINESS_CLAIMS)),
    Field("business_uscc", "统一社会信用代码", max_length=18, section="经营主体", visible_when=_claim_in(*BUSINESS_CLAIMS)),
    Field(
        "registration_date", "登记注册日期", Kind.DATE, not_future=True, section="经营主体",
        visible_when=_claim_in(*BUSINESS_CLAIMS),
    ),
    Field(
        "operating_start_date", "开始正常经营日期", Kind.DATE, not_future=True, section="经营主体",
        visible_when=_claim_in(*BUSINESS_CLAIMS), help="“持续正常经营3个月以上”自此日起算（三、（二）5）",
    ),
    Field("business_address", "经营地址", max_length=100, section="经营主体", visible_when=_claim_in(*BUSINESS_CLAIMS)),
    Field(
        "employees", "带动就业人员名单（不含申请人本人）", Kind.TABLE, section="就业人员",
        visible_when=_claim_in(*EMPLOYEE_CLAIMS),
        help="在职人员离职日期不填；吸纳贫困家庭劳动力奖补须注明是否贫困家庭劳动力",
        columns=(
            Field("name", "姓名", max_length=30),
            Field("id_number", "公民身份号码", Kind.ID_NUMBER),
            Field("start_date", "入职日期", Kind.DATE, not_future=True),
            Field("end_date", "离职日期", Kind.DATE, required=False, not_future=True),
            Field("poor_household", "是否贫困家庭劳动力", Kind.BOOL, required=False),
        ),
    ),
    Field("park_type", "入驻园区类型", Kind.CHOICE, choices=PARK_TYPES, section="园区", visible_when=_claim_in(SITE_COSTS)),
    Field("park_name", "园区（孵化基地）名称", max_length=60, section="园区", visible_when=_claim_in(SITE_COSTS)),
    Field("move_in_date", "入驻日期", Kind.DATE, not_future=True, section="园区", visible_when=_claim_in(SITE_COSTS)),
    _cost_table(
        "park_costs", "园区场地费用（按月、按类别）", SITE_CATEGORIES, SITE_COSTS,
        "物管费、卫生费、房租费、水电费、场地租赁费，按当月实际发生额录入；一次申领限同一年度",
    ),
    Field("platform_name", "农村电子商务服务平台名称", max_length=60, section="电商平台", visible_when=_claim_in(ECOMMERCE)),
    _cost_table(
        "platform_costs", "电商平台场地租金和网络使用费（按月）", ECOMMERCE_CATEGORIES, ECOMMERCE,
        "按当月实际发生额录入；一次申领限同一年度",
    ),
    Field("training_type", "培训类型", Kind.CHOICE, choices=TRAINING_TYPES, section="培训", visible_when=_claim_in(TRAINING)),
    Field(
        "training_end_date", "培训结业日期", Kind.DATE, not_future=True, section="培训", visible_when=_claim_in(TRAINING),
    ),
    Field("training_cert_no", "培训合格证书编号", max_length=40, section="培训", visible_when=_claim_in(TRAINING)),
    Field("loan_borrower", "借款人", Kind.CHOICE, choices=BORROWERS, section="贷款", visible_when=_claim_in(LOAN)),
    Field(
        "loan_amount", "申请贷款额度（元）", Kind.DECIMAL, minimum=Decimal("0.01"),
        section="贷款", visible_when=_claim_in(LOAN),
    ),
    Field(
        "staff_count", "现有在职职工人数", Kind.INTEGER, minimum=1, maximum=100000, section="贷款",
        visible_when=When("loan_borrower", equals="small_business"),
    ),
    Field(
        "new_hires", "当年新招用符合条件人员数", Kind.INTEGER, minimum=0, maximum=100000, section="贷款",
        visible_when=When("loan_borrower", equals="small_business"),
    ),
    Field(
        "counter_guarantee", "免除反担保情形", Kind.CHOICE, choices=COUNTER_GUARANTEE, section="贷款",
        visible_when=_claim_in(LOAN),
    ),
)

_ALL = tuple(c for c, _ in CLAIM_TYPES)
_SUBSIDIES = tuple(c for c in _ALL if c != LOAN)
_EXEMPT = tuple(c for c, _ in COUNTER_GUARANTEE if c != "none")

# NOTE: 郑政办〔2021〕13号 lists no papers; each material below is what proves the condition of
# the clause it cites, so the basis is that clause.
MATERIALS = (
    Material("application_form", "返乡入乡创业补贴（贷款）申请表", B("三、"), required_when=_claim_in(*_ALL)),
    Material("id_card", "申请人居民身份证", B("三、"), required_when=_claim_in(*_ALL)),
    Material(
        "returnee_proof", "返乡入乡创业人员身份证明（户籍、外出务工或毕业证明等）", B("三、（二）5"),
        required_when=_claim_in(*_ALL), core=False, pledge_allowed=True,
    ),
    Material(
        "business_licence", "营业执照", B("三、（二）5"), shareable=True, required_when=_claim_in(*BUSINESS_CLAIMS),
        help="市场监督管理部门共享核验",
    ),
    Material(
        "operation_proof", "持续正常经营证明（纳税、水电或经营流水记录）", B("三、（二）5"),
        required_when=_claim_in(STARTUP_ONCE), shareable=True,
    ),
    Material(
        "employment_proof", "就业人员劳动合同及社会保险缴费记录", B("三、（二）5"), shareable=True,
        required_when=_claim_in(*EMPLOYEE_CLAIMS), help="人社部门共享社保缴费记录",
    ),
    Material(
        "poor_household_proof", "贫困家庭劳动力身份认定信息", B("三、（二）5"), shareable=True,
        required_when=_claim_in(POOR_LABOUR), help="扶贫（乡村振兴）部门共享核验",
    ),
    Material("park_agreement", "入驻园区（孵化基地）协议", B("三、（二）6"), required_when=_claim_in(SITE_COSTS)),
    Material(
        "lease_contracts", "场地租赁合同及网络服务合同", B("三、（二）6"), required_when=_claim_in(ECOMMERCE),
    ),
    Material(
        "cost_invoices", "费用发票及付款凭证", B("三、（二）6"), required_when=_claim_in(*COST_CLAIMS),
    ),
    Material(
        "training_certificate", "创业培训合格证书", B("三、（五）11"), shareable=True, required_when=_claim_in(TRAINING),
    ),
    Material("business_plan", "创业项目计划书", B("三、（二）4"), required_when=_claim_in(LOAN)),
    Material(
        "counter_guarantee_proof", "免除反担保情形证明（示范项目认定、获奖证书、信用认定等）", B("三、（三）7"),
        required_when=When("counter_guarantee", one_of=_EXEMPT),
    ),
    Material("bank_account", "收款银行账户信息", B("三、"), required_when=_claim_in(*_SUBSIDIES)),
)


def claim_label(claim: str | None) -> str:
    return dict(CLAIM_TYPES).get(claim or "", "")

