"""The remedies of a refusal come from the service's own parameter file, over the shared file's defaults."""

from __future__ import annotations

import tomllib
from datetime import date

from desktop.cases import remedies
from forms import registry
from forms.resources import bundle_root


def test_the_authorities_are_the_packages_own_and_the_periods_the_shared_files():
    later = remedies.for_service("nrmm_registration", date(2026, 12, 1))
    assert later.authority == "郑州市生态环境局所在区县（市）分局"
    assert later.review_body == "郑州市人民政府或者该分局所在地的区县（市）人民政府"  # the 2023 行政复议法
    assert (later.review_days, later.suit_months) == (60, 6)  # the shared defaults
    assert later.source.startswith("行政复议法（2023修订")
    earlier = remedies.for_service("nrmm_registration", date(2023, 12, 1))
    assert earlier.review_body == "郑州市生态环境局或者郑州市人民政府"
    assert registry.get("nrmm_registration").params().parameter("remedies")
    shared = tomllib.loads((bundle_root() / "resources" / "params" / "remedies.toml").read_text(encoding="utf-8"))
    assert all("nrmm_registration" not in v["value"] for v in shared["remedies"]["values"])  # nothing outside


def test_a_service_without_its_own_keeps_the_shared_entry():
    assert remedies.for_service("residence_permit", date(2026, 12, 1)).authority == "郑州市公安局"
