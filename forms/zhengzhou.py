"""Zhengzhou's administrative divisions and which of them are 市区 under the e-bike measures."""

from __future__ import annotations

# NOTE: keys are GB/T 2260 administrative codes (shared/regulations/README.md). They identify
# where a person lives as answered by the applicant; an ID number's first six digits only tell
# where it was first issued, never the current hukou or residence.
DISTRICTS: tuple[tuple[str, str, bool], ...] = (
    # (code, name, inside 市区 per 郑州市非机动车管理办法 第三条 / 第四十一条)
    ("410102", "中原区", True),
    ("410103", "二七区", True),
    ("410104", "管城回族区", True),
    ("410105", "金水区", True),
    ("410108", "惠济区", True),
    ("410171", "郑州经济技术开发区", True),
    ("410172", "郑州高新技术产业开发区", True),
    ("410173", "郑州航空港经济综合实验区", True),
    # 郑东新区 has no code of its own in our sources (it is a functional zone): keyed by name.
    ("zhengdong", "郑东新区", True),
    ("410106", "上街区", False),
    ("410122", "中牟县", False),
    ("410181", "巩义市", False),
    ("410182", "荥阳市", False),
    ("410183", "新密市", False),
    ("410184", "新郑市", False),
    ("410185", "登封市", False),
)

DISTRICT_CHOICES = tuple((code, name) for code, name, _ in DISTRICTS)
URBAN_CODES = frozenset(code for code, _, urban in DISTRICTS if urban)


def district_name(code: str) -> str:
    return dict(DISTRICT_CHOICES).get(code, code)
