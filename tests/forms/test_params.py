"""Dated parameters: the value in force on a day, its source, and no value before the first date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from forms.params import ParameterError, ParamSet

TOML = """
[cap]
label = "年度上限"
unit = "yuan"
values = [
  { since = 2021-02-26, value = "20000.00", source = "郑政办〔2021〕13号" },
  { since = 2024-01-01, value = "25000.00", source = "假设的新文件" },
]
"""


def test_value_in_force_by_date(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(TOML, encoding="utf-8")
    params = ParamSet.load(path)
    assert params.at(date(2021, 2, 26))["cap"] == Decimal("20000.00")
    assert params.at(date(2023, 12, 31))["cap"] == Decimal("20000.00")
    assert params.at(date(2024, 1, 1))["cap"] == Decimal("25000.00")
    assert params.at(date(2024, 1, 1)).source("cap") == "假设的新文件"
    with pytest.raises(ParameterError, match="尚无生效值"):
        params.at(date(2021, 2, 25))["cap"]
    with pytest.raises(ParameterError, match="未知参数"):
        params.at(date(2024, 1, 1))["nothing"]


def _shipped_files():
    from forms.params import PARAMS_DIR

    services = Path(__file__).resolve().parents[2] / "forms" / "services"
    return sorted(PARAMS_DIR.glob("*.toml")) + sorted(services.glob("*/*.toml"))


def test_every_shipped_parameter_has_a_source():
    assert len(_shipped_files()) >= 5  # the shared remedies and each service's own file
    for path in _shipped_files():
        for param in ParamSet.load(path).params.values():
            assert all(v.source for v in param.values), f"{path.name}: {param.name}"


def test_each_services_parameters_live_in_its_own_package():
    """Issue 16: a service's dated parameters sit with its rules; resources/params keeps only what all share."""
    from forms import registry
    from forms.params import PARAMS_DIR

    services = Path(__file__).resolve().parents[2] / "forms" / "services"
    for service in registry.services().values():
        assert service.params_dir is not None and service.params_dir.parent == services, service.service_id
        assert (service.params_dir / f"{service.params_name}.toml").is_file(), service.service_id
        service.params()  # it loads from there
    assert sorted(p.name for p in PARAMS_DIR.glob("*.toml")) == ["remedies.toml"]
