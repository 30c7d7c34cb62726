"""How a basis is printed (forms.model.cite)."""

from __future__ import annotations

import pytest

from forms.model import Basis, cite


@pytest.mark.parametrize(("text", "printed"), [
    ("郑政办〔2021〕8号 五、", "郑政办〔2021〕8号 第五部分"),
    ("郑政办〔2021〕8号 一、及五、", "郑政办〔2021〕8号 第一部分及第五部分"),
    ("郑政办〔2021〕8号 二、1“近一年”", "郑政办〔2021〕8号 二、1“近一年”"),
    ("郑政办〔2021〕13号 三、（二）5", "郑政办〔2021〕13号 三、（二）5"),
    ("行政许可法 第三十二条、第三十八条", "行政许可法 第三十二条、第三十八条"),
])
def test_a_part_cited_alone_has_no_stray_comma(text, printed):
    assert cite(text) == printed
    document, _, clause = text.partition(" ")
    assert str(Basis(document, clause)) == printed
