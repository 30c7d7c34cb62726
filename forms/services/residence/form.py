"""The 居住证 form as data: choices, fields and materials of 郑政办〔2021〕8号 (rules in forms.services.residence.service)."""

from __future__ import annotations

from forms.model import Basis, Field, Kind, Material, When
from forms.zhengzhou import DISTRICT_CHOICES

DOC = "郑政办〔2021〕8号"


def B(clause: str) -> Basis:
    return Basis(DOC, clause)


CONDITIONS = (
    ("social_insurance", "缴纳社保满半年"),
    ("study", "在校在籍就读满半年"),
    ("residence", "合法住所满半年"),
    ("business", "经商满半年"),
)
EXEMPTIONS = (
    ("none", "无"),
    ("talent", "市以上人社部门认定的高层次人才本人"),
    ("talent_relative", "高层次人才共同生活的直系亲属"),
    ("spouse", "夫妻一方为本市户籍人口的配偶"),
)
PROXY_REASONS = (
    ("minor", "未满16周岁的未成年人"),
    ("elderly", "行动不便的老年人"),
    ("disabled", "残疾人"),
)
HOUSING_PROOFS = (
    ("property_cert", "房屋产权证"),
    ("rental_filing", "房屋租赁登记备案证明"),
    ("purchase_contract", "网签备案的购房合同"),
    ("rental_contract", "网签备案的房屋租赁合同"),
)

is_proxy = When("applicant_mode", equals="proxy")
not_exempt = When("exemption", equals="none")

FIELDS = (
    Field("name", "姓名", max_length=30, section="申请人"),
    Field("id_number", "公民身份号码", Kind.ID_NUMBER, section="申请人"),
    Field("phone", "联系电话", Kind.PHONE, section="申请人"),
    Field("hukou_address", "户籍地址", max_length=100, section="申请人"),
    Field(
        "hukou_in_zhengzhou", "户籍是否在郑州市", Kind.BOOL, section="申请人",
        help="办理对象为离开常住户口所在地、在本市居住的公民（一、）",
    ),
    Field("residence_district", "居住地所在区县（市）", Kind.CHOICE, choices=DISTRICT_CHOICES, section="居住信息"),
    Field("residence_address", "郑州居住地址", max_length=100, section="居住信息"),
    Field(
        "temp_registration_date", "暂住登记日期", Kind.DATE, not_future=True, section="居住信息",
        help="先向居住地派出所申报暂住登记（一、及五、）",
    ),
    Field(
        "stable_basis", "合法稳定的", Kind.CHOICE, section="申领条件",
        choices=(("employment", "就业"), ("residence", "住所"), ("study", "就读")),
    ),
    Field("exemption", "免予“满半年”限制的情形", Kind.CHOICE, choices=EXEMPTIONS, section="申领条件"),
    Field(
        "condition", "符合的条件", Kind.CHOICE, choices=CONDITIONS, section="申领条件",
        required_when=not_exempt,
    ),
    Field(
        "social_insurance", "在郑社保缴费记录（起止月）", Kind.TABLE, section="申领条件",
        visible_when=When("condition", equals="social_insurance"),
        columns=(
            Field("start", "起始月（任一日）", Kind.DATE, not_future=True),
            Field("end", "截止月（任一日）", Kind.DATE, not_future=True),
        ),
        help="只计算申请当月及之前11个月内的缴费月数",
    ),
    Field(
        "enrolment_date", "注册学籍日期", Kind.DATE, not_future=True, section="申领条件",
        visible_when=When("condition", equals="study"),
    ),
    Field(
        "housing_proof", "住所证明类型", Kind.CHOICE, choices=HOUSING_PROOFS, section="申领条件",
        visible_when=When("condition", equals="residence"),
    ),
    Field(
        "housing_proof_date", "产权证/备案/网签日期", Kind.DATE, not_future=True, section="申领条件",
        visible_when=When("condition", equals="residence"),
    ),
    Field(
        "licence_date", "营业执照登记日期", Kind.DATE, not_future=True, section="申领条件",
        visible_when=When("condition", equals="business"),
    ),
    Field(
        "talent_cert_no", "高层次人才认定证书编号", max_length=40, section="申领条件",
        visible_when=When("exemption", one_of=("talent", "talent_relative")),
    ),
    Field(
        "spouse_id_number", "本市户籍配偶身份号码", Kind.ID_NUMBER, section="申领条件",
        visible_when=When("exemption", equals="spouse"),
    ),
    Field(
        "applicant_mode", "办理方式", Kind.CHOICE, section="代办",
        choices=(("self", "本人办理"), ("proxy", "监护人、近亲属代办")),
    ),
    Field("proxy_reason", "代办情形", Kind.CHOICE, choices=PROXY_REASONS, section="代办", visible_when=is_proxy),
    Field("proxy_name", "代办人姓名", max_length=30, section="代办", visible_when=is_proxy),
    Field("proxy_id_number", "代办人身份号码", Kind.ID_NUMBER, section="代办", visible_when=is_proxy),
    Field(
        "proxy_relation", "代办人与申请人关系", Kind.CHOICE, section="代办", visible_when=is_proxy,
        choices=(("guardian", "监护人"), ("relative", "近亲属")),
    ),
)

MATERIALS = (
    Material("application_form", "《郑州市流动人口暂住登记申请表》", B("三、1")),
    Material("id_card", "申领人居民身份证", B("三、2"), alternatives=("id_photo_standard",)),
    Material(
        "id_photo_standard", "符合居民身份证信息采集标准的数码照片（未办理身份证的）", B("三、2"),
        required=False,
    ),
    Material(
        "residence_proof", "居住、就业或就读证明", B("三、3"), shareable=True, core=False, pledge_allowed=True,
        help="房屋租赁合同、产权证明、劳动合同、营业执照、学生证等；可通过“一网通办”共享核验（五、）",
    ),
    Material(
        "social_insurance_proof", "社保缴费证明", B("五、"), shareable=True, core=False,
        required_when=When("condition", equals="social_insurance"), help="人社局共享社保信息",
    ),
    Material(
        "enrolment_proof", "学籍证明", B("五、"), shareable=True, core=False,
        required_when=When("condition", equals="study"), help="教育局共享学籍信息",
    ),
    Material(
        "housing_proof_doc", "房屋产权证、租赁登记备案证明或网签合同", B("五、"), shareable=True,
        required_when=When("condition", equals="residence"), help="住房保障部门共享房产交易信息",
    ),
    Material(
        "business_licence", "工商营业执照", B("五、"), shareable=True,
        required_when=When("condition", equals="business"), help="市场监督管理局共享营业执照信息",
    ),
    Material(
        "talent_cert", "高层次人才认定证明", B("二、"), shareable=True,
        required_when=When("exemption", one_of=("talent", "talent_relative")), help="人社局共享高层次人才信息",
    ),
    Material(
        "kinship_proof", "与高层次人才共同生活的直系亲属关系证明", B("二、"),
        required_when=When("exemption", equals="talent_relative"),
    ),
    Material(
        "marriage_proof", "结婚证", B("二、"), shareable=True,
        required_when=When("exemption", equals="spouse"), help="民政局共享婚姻登记信息",
    ),
    Material("photo", "本人1寸免冠彩色照片", B("三、4"), shareable=True, help="或从公安人口数据库提取的数码照片"),
    Material("proxy_id", "代办人合法有效身份证件", B("三、2"), required_when=is_proxy),
)
