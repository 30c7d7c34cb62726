"""Tests for forms.checks: ID numbers, mobile numbers, credit codes and masking."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from forms import checks
from forms.checks import (
    ID_TYPES,
    age_on,
    birth_date_from_resident_id,
    check_id,
    check_mobile,
    check_resident_id,
    check_uscc,
    gender_from_resident_id,
    mask_id,
    mask_phone,
    normalize_resident_id,
)

TODAY = date(2025, 6, 1)


def make_id(body17: str) -> str:
    """A number with the right GB 11643 check character (calc_check_digit ignores the last char)."""
    return body17 + ric.calc_check_digit(body17 + "0")


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


ZHENGZHOU = make_id("41010519900307123")  # 金水区, 1990-03-07, male


def test_valid_resident_id():
    assert check_resident_id(ZHENGZHOU, TODAY) is None
    assert birth_date_from_resident_id(ZHENGZHOU) == date(1990, 3, 7)
    assert gender_from_resident_id(ZHENGZHOU) == "male"
    assert gender_from_resident_id(make_id("41010519900307124")) == "female"


def test_lowercase_x_accepted_and_normalised():
    body = next(f"4101051985010100{i}" for i in range(10) if make_id(f"4101051985010100{i}").endswith("X"))
    number = make_id(body)
    assert check_resident_id(number.lower(), TODAY) is None
    assert normalize_resident_id(" " + number.lower()) == number
    assert normalize_resident_id("４１０１０５" + number[6:]) == number  # full-width digits from an IME


def test_old_birth_year_accepted_though_stdnum_rejects_it():
    number = make_id("41010219500101001")  # 中原区 code dates from the 1980s
    with pytest.raises(ValidationError):
        ric.validate(number)
    assert check_resident_id(number, TODAY) is None


def test_wrong_check_character():
    assert check_resident_id(wrong_check(ZHENGZHOU), TODAY) == "身份证号码校验位不正确，请核对是否输错"


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("", "请填写"),
        ("41010519900307123", "18位"),
        ("4101051990030712A3", "前17位"),
        (make_id("41010519990230123"), "不是有效日期"),  # 1999-02-30
        (make_id("41010530000101123"), "晚于今天"),
        (make_id("41010518990101123"), "早于1900年"),
        (make_id("81000019900101123"), "港澳台居民居住证"),
    ],
)
def test_bad_resident_ids(value, fragment):
    message = check_resident_id(value, TODAY)
    assert message is not None and fragment in message


def test_birth_date_helpers():
    assert birth_date_from_resident_id(make_id("41010519990230123")) is None
    assert birth_date_from_resident_id("123") is None
    assert age_on(date(2000, 6, 1), date(2025, 5, 31)) == 24
    assert age_on(date(2000, 6, 1), date(2025, 6, 1)) == 25
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "138 1234 5678", "+8613812345678"])
def test_mobile_good(value):
    assert check_mobile(value) is None


@pytest.mark.parametrize("value", ["", "12812345678", "1381234567", "138123456789", "1381234567a", "23812345678"])
def test_mobile_bad(value):
    assert check_mobile(value)


def test_uscc():
    assert check_uscc("91110000600037341L") is None
    assert check_uscc("91110000600037341l") is None
    body = "91410100MA44ABCD0"
    assert check_uscc(body + uscc.calc_check_digit(body)) is None
    assert "校验位" in check_uscc("91110000600037341M")
    assert "18位" in check_uscc("9111000060003734")
    assert "格式" in check_uscc("A1110000600037341L")
    assert check_uscc("")


def test_id_types_table():
    keys = [t.key for t in ID_TYPES]
    assert keys == [
        "resident_id",
        "hmt_residence_permit",
        "foreign_permanent_resident",
        "hk_macau_travel_permit",
        "taiwan_travel_permit",
        "passport",
    ]
    assert all(t.label for t in ID_TYPES)
    assert check_id("no_such_type", "x", TODAY)


GOOD = {
    "resident_id": [ZHENGZHOU],
    "hmt_residence_permit": [
        make_id("81000019900101123"),
        make_id("82000019851231002"),
        make_id("83000020000229005"),
    ],
    "foreign_permanent_resident": ["USA110090101234", make_id("93184019900101001")],
    "hk_macau_travel_permit": ["H12345678", "M1234567890", "h12345678"],
    "taiwan_travel_permit": ["12345678"],
    "passport": ["E12345678", "EA1234567", "G12345678", "AB12345", "x1234"],
}
BAD = {
    "resident_id": [wrong_check(ZHENGZHOU), "H12345678"],
    "hmt_residence_permit": [ZHENGZHOU, wrong_check(make_id("81000019900101123")), make_id("81000020300101123")],
    "foreign_permanent_resident": [
        "US1110090101234",
        "USA11009010123",
        wrong_check(make_id("93184019900101001")),
        make_id("13184019900101001"),
    ],
    "hk_macau_travel_permit": ["A12345678", "H1234567", "H123456789", "12345678"],
    "taiwan_travel_permit": ["1234567", "123456789", "T1234567"],
    "passport": ["E123", "E1234567890123456789", "E123-45/678", "护照123456"],
}


@pytest.mark.parametrize("id_type, value", [(k, v) for k, vs in GOOD.items() for v in vs])
def test_id_good(id_type, value):
    assert check_id(id_type, value, TODAY) is None


@pytest.mark.parametrize("id_type, value", [(k, v) for k, vs in BAD.items() for v in vs])
def test_id_bad(id_type, value):
    message = check_id(id_type, value, TODAY)
    assert isinstance(message, str) and message


def test_all_id_types_reject_empty():
    for t in ID_TYPES:
        assert t.check("", TODAY)


def test_mask_id():
    assert mask_id("410105199003071234") == "410105********1234"
    assert mask_id("41010519900307123x") == "410105********123X"
    assert mask_id("USA110090101234") == "USA110*****1234"
    assert mask_id("H12345678") == "*****5678"
    assert mask_id("1234") == "****"
    assert mask_id("") == ""
    assert "19900307" not in mask_id(ZHENGZHOU)


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("037112345678") == "037*****5678"
    assert mask_phone("12345") == "*2345"
    assert mask_phone("123") == "***"


def test_module_docstring_names_the_one_rule():
    assert "THE masking rule" in (checks.mask_id.__doc__ or "")
