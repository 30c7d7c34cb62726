"""Field checks for ID numbers, phone numbers and credit codes; each returns None or a Chinese message."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# NOTE: python-stdnum is imported inside the two checks that use it: importing it loads
# stdnum.util (pydoc, ssl, …, ≈ 10 ms), and the start-up path only masks numbers.

# NOTE: resident ID numbers follow GB 11643-1999 (公民身份号码): 6-digit address code,
# 8-digit birth date, 3-digit sequence (odd = male), 1 check character (ISO 7064 MOD 11-2).
# We compute the check character with stdnum.cn.ric.calc_check_digit but do NOT call
# ric.validate: it rejects valid numbers whose birth year predates the county code in its
# table (e.g. 410102 中原区 with a 1950 birth year) and raises KeyError on some codes (e.g. 119999).

_EARLIEST_BIRTH = date(1900, 1, 1)

_MOBILE = re.compile(r"1[3-9]\d{9}")
_BODY17 = re.compile(r"\d{17}")
_HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
_FOREIGN_2017 = re.compile(r"[A-Z]{3}\d{12}")
_HK_MACAU_PERMIT = re.compile(r"[HM](\d{8}|\d{10})")
_TAIWAN_PERMIT = re.compile(r"\d{8}")
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")

GENDER_LABELS = {"male": "男", "female": "女"}


def normalize_id(value: str) -> str:
    """Full-width to half-width (Chinese IMEs), spaces and hyphens removed, upper case."""
    # NOTE: a number kept as a number (an old draft, a case file) is read as its digits, not a crash.
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else "" if value is None else str(value))
    return re.sub(r"[\s\-]", "", text).upper()


def normalize_resident_id(value: str) -> str:
    """The stored form of a resident ID number: 18 characters, a final check 'x' as 'X'."""
    return normalize_id(value)


# --- resident ID (居民身份证) -------------------------------------------------------------


def _check_character_error(number: str) -> str | None:
    """Length, digits and the GB 11643 check character of an 18-character number."""
    if len(number) != 18:
        return f"号码应为18位，当前为{len(number)}位"
    if not _BODY17.fullmatch(number[:17]) or number[17] not in "0123456789X":
        return "号码前17位应为数字，最后一位应为数字或X"
    from stdnum.cn import ric

    if ric.calc_check_digit(number) != number[17]:
        return "号码校验位不正确，请核对是否输错"
    return None


def _birth_date_error(number: str, today: date) -> str | None:
    birth = birth_date_from_resident_id(number)
    if birth is None:
        return f"号码中的出生日期 {number[6:14]} 不是有效日期"
    if birth > today:
        return f"号码中的出生日期 {birth.isoformat()} 晚于今天"
    if birth < _EARLIEST_BIRTH:
        return f"号码中的出生日期 {birth.isoformat()} 早于1900年"
    return None


def check_resident_id(value: str, today: date) -> str | None:
    """居民身份证号码 (GB 11643-1999): format, check character, birth date."""
    number = normalize_resident_id(value)
    if not number:
        return "请填写身份证号码"
    error = _check_character_error(number)
    if error:
        return "身份证" + error
    if number[:6] in _HMT_PREFIXES:
        return "该号码为港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”"
    if number[0] == "9":
        return "该号码为外国人永久居留身份证号码，请将证件类型选为“外国人永久居留身份证”"
    return _birth_date_error(number, today)


def birth_date_from_resident_id(value: str) -> date | None:
    """The birth date in an 18-character resident ID (or residence permit) number, if it is a real date."""
    number = normalize_resident_id(value)
    if len(number) != 18 or not number[6:14].isdigit():
        return None
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_from_resident_id(value: str) -> str | None:
    """'male' or 'female' from the sequence code's last digit (odd = male); see GENDER_LABELS."""
    number = normalize_resident_id(value)
    if len(number) != 18 or not number[16].isdigit():
        return None
    return "male" if int(number[16]) % 2 else "female"


def age_on(birth: date, day: date) -> int:
    """Full years of age on `day` (the birthday itself counts; 29 Feb birthdays turn on 1 Mar)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- other ID types a service hall meets ----------------------------------------------------


def check_hmt_residence_permit(value: str, today: date) -> str | None:
    """港澳台居民居住证: like a resident ID, address code 810000 / 820000 / 830000."""
    number = normalize_id(value)
    if not number:
        return "请填写居住证号码"
    error = _check_character_error(number)
    if error:
        return "居住证" + error
    if number[:6] not in _HMT_PREFIXES:
        return "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头"
    return _birth_date_error(number, today)


def check_foreign_permanent_resident(value: str, today: date) -> str | None:
    """外国人永久居留身份证: 2017 version (15 characters) or 2023 version (18, starting with 9)."""
    # NOTE: confirmed from 国家移民管理局《新版外国人永久居留身份证机读信息规则（2023版）》 (as
    # republished by card-reader vendors): the 2017 number is 3 Latin letters + 12 digits; the
    # 2023 number is 17 digits + 1 check character, first digit 9, check by MOD 11-2 "与公民身份
    # 号码校验方式相同". NOT confirmed: where the birth date sits in either format, and whether
    # the 2017 number has a check digit, so neither is checked here.
    number = normalize_id(value)
    if not number:
        return "请填写永久居留身份证号码"
    if len(number) == 15:
        if not _FOREIGN_2017.fullmatch(number):
            return "15位永久居留身份证号码应为3位字母加12位数字"
        return None
    if len(number) == 18:
        if number[0] != "9":
            return "18位永久居留身份证号码应以9开头"
        error = _check_character_error(number)
        return "永久居留身份证" + error if error else None
    return f"永久居留身份证号码应为15位或18位，当前为{len(number)}位"


def check_hk_macau_travel_permit(value: str, today: date) -> str | None:
    """港澳居民来往内地通行证: H (Hong Kong) or M (Macau) + 8 or 10 digits."""
    number = normalize_id(value)
    if not number:
        return "请填写通行证号码"
    if not _HK_MACAU_PERMIT.fullmatch(number):
        return "港澳居民来往内地通行证号码应为H或M加8位或10位数字"
    return None


def check_taiwan_travel_permit(value: str, today: date) -> str | None:
    """台湾居民来往大陆通行证: 8 digits."""
    number = normalize_id(value)
    if not number:
        return "请填写通行证号码"
    if not _TAIWAN_PERMIT.fullmatch(number):
        return "台湾居民来往大陆通行证号码应为8位数字"
    return None


def check_passport(value: str, today: date) -> str | None:
    """护照: 5–17 letters or digits; passports of many countries, so the check is loose."""
    number = normalize_id(value)
    if not number:
        return "请填写护照号码"
    if not _PASSPORT.fullmatch(number):
        return "护照号码应为5至17位字母或数字"
    return None


@dataclass(frozen=True)
class IdType:
    key: str
    label: str
    check: Callable[[str, date], str | None]


ID_TYPES: tuple[IdType, ...] = (
    IdType("resident_id", "居民身份证", check_resident_id),
    IdType("hmt_residence_permit", "港澳台居民居住证", check_hmt_residence_permit),
    IdType("foreign_permanent_resident", "外国人永久居留身份证", check_foreign_permanent_resident),
    IdType("hk_macau_travel_permit", "港澳居民来往内地通行证", check_hk_macau_travel_permit),
    IdType("taiwan_travel_permit", "台湾居民来往大陆通行证", check_taiwan_travel_permit),
    IdType("passport", "护照", check_passport),
)
ID_TYPES_BY_KEY = {t.key: t for t in ID_TYPES}
ID_TYPE_CHOICES: tuple[tuple[str, str], ...] = tuple((t.key, t.label) for t in ID_TYPES)  # for Field.choices


def check_id(id_type: str, value: str, today: date) -> str | None:
    """Check `value` as an ID number of `id_type` (a key of ID_TYPES)."""
    entry = ID_TYPES_BY_KEY.get(id_type)
    if entry is None:
        return f"未知的证件类型：{id_type}"
    return entry.check(value, today)


# --- phone and organisation codes ------------------------------------------------------------


def check_mobile(value: str) -> str | None:
    """Mainland mobile number: 11 digits, 1 then 3–9."""
    number = normalize_id(value)
    if number.startswith("+86"):
        number = number[3:]
    if not number:
        return "请填写手机号码"
    if not number.isdigit():
        return "手机号码只能包含数字"
    if len(number) != 11:
        return f"手机号码应为11位，当前为{len(number)}位"
    if not _MOBILE.fullmatch(number):
        return "手机号码应以13至19开头"
    return None


def check_uscc(value: str) -> str | None:
    """统一社会信用代码 (GB 32100-2015), via stdnum.cn.uscc.validate."""
    if not normalize_id(value):
        return "请填写统一社会信用代码"
    from stdnum import exceptions as stdnum_exceptions
    from stdnum.cn import uscc

    try:
        uscc.validate(normalize_id(value))
    except stdnum_exceptions.InvalidLength:  # subclass of InvalidFormat: catch it first
        return "统一社会信用代码应为18位"
    except stdnum_exceptions.InvalidFormat:
        return "统一社会信用代码格式不正确（前8位为数字，其余为数字或大写字母，不含I、O、Z、S、V）"
    except stdnum_exceptions.InvalidChecksum:
        return "统一社会信用代码校验位不正确，请核对是否输错"
    except stdnum_exceptions.ValidationError:
        return "统一社会信用代码不正确"
    return None


# --- masking -----------------------------------------------------------------------------------


def mask_id(value: str) -> str:
    """THE masking rule for ID numbers in this project: screens, documents, logs and exports.

    15 characters or more: first 6 and last 4 visible (410105********1234); 5–14 characters
    (permits, passports): only the last 4 visible; 4 or fewer: everything masked. Use this
    function everywhere; do not mask ID numbers any other way.
    """
    number = normalize_id(value)
    n = len(number)
    if n >= 15:
        return number[:6] + "*" * (n - 10) + number[-4:]
    if n > 4:
        return "*" * (n - 4) + number[-4:]
    return "*" * n


def mask_name(value: str) -> str:
    """THE masking rule for a person's name: the first character kept (张**), the rest masked."""
    text = value or ""
    return text[:1] + "*" * (len(text) - 1)


def mask_phone(value: str) -> str:
    """THE masking rule for phone numbers in this project: first 3 and last 4 visible (138****5678).

    Numbers shorter than 8 characters keep only the last 4 visible (4 or fewer: all masked).
    """
    number = normalize_id(value)
    n = len(number)
    if n >= 8:
        return number[:3] + "*" * (n - 7) + number[-4:]
    if n > 4:
        return "*" * (n - 4) + number[-4:]
    return "*" * n
