"""The numbers a 非道路移动机械 case is found by: its registration code and the machine's product number."""

from __future__ import annotations

from desktop.cases import identifiers
from desktop.cases.identifiers import SearchIdentifier
from forms.services.nrmm.code import normalize

CODE = identifiers.declare(SearchIdentifier("nrmm_code", "机械编码登记号", "如 41010503000001X", normalize, max_length=32))
PRODUCT = identifiers.declare(SearchIdentifier("nrmm_product_no", "机械产品识别号", "机械铭牌上的出厂编号", normalize,
                                               max_length=40))
