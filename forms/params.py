"""Dated policy parameters read from TOML files under resources/params (OpenFisca-style)."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.resources import resource

PARAMS_DIR = resource("params")


class ParameterError(LookupError):
    """A parameter is unknown or has no value on the date asked for."""


@dataclass(frozen=True)
class DatedValue:
    since: date
    value: Any
    source: str


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    values: tuple[DatedValue, ...]  # sorted by ``since``

    def at(self, day: date) -> DatedValue:
        current = None
        for dv in self.values:
            if dv.since <= day:
                current = dv
            else:
                break
        if current is None:
            # NOTE: a date before the first value is an error, never a silent zero.
            raise ParameterError(
                f"参数“{self.label}”({self.name}) 在 {day.isoformat()} 尚无生效值"
                f"（最早自 {self.values[0].since.isoformat()} 起）"
            )
        return current


def _convert(raw: Any) -> Any:
    # Floats would lose cents: money and rates are written as strings or ints in the files.
    if isinstance(raw, float):
        return Decimal(str(raw))
    if isinstance(raw, str):
        try:
            return Decimal(raw) if raw.replace(".", "", 1).lstrip("-").isdigit() else raw
        except ArithmeticError:  # pragma: no cover
            return raw
    if isinstance(raw, dict):
        return {k: _convert(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_convert(v) for v in raw]
    return raw


class ParamSet:
    """All parameters of one file; ``at(day)`` gives a view of the values in force that day."""

    def __init__(self, name: str, params: dict[str, Parameter], digest: str):
        self.name = name
        self.params = params
        self.digest = digest

    @classmethod
    def load(cls, path: Path) -> ParamSet:
        raw_bytes = path.read_bytes()
        data = tomllib.loads(raw_bytes.decode("utf-8"))
        params: dict[str, Parameter] = {}
        for name, spec in data.items():
            if not isinstance(spec, dict) or "values" not in spec:
                continue
            values = []
            for item in spec["values"]:
                since = item["since"]
                if not isinstance(since, date):
                    raise ParameterError(f"{path.name}: {name} 的 since 必须是日期")
                values.append(DatedValue(since, _convert(item["value"]), item.get("source", "")))
            if not values:
                raise ParameterError(f"{path.name}: {name} 没有任何取值")
            values.sort(key=lambda v: v.since)
            params[name] = Parameter(name, spec.get("label", name), spec.get("unit", ""), tuple(values))
        digest = hashlib.sha256(raw_bytes).hexdigest()[:8]
        return cls(path.stem, params, digest)

    def parameter(self, name: str) -> Parameter:
        try:
            return self.params[name]
        except KeyError:
            raise ParameterError(f"未知参数：{self.name}.{name}") from None

    def at(self, day: date) -> ParamsAt:
        return ParamsAt(self, day)

    def with_values(self, extra: Iterable[tuple[str, DatedValue]]) -> ParamSet:
        """The same file with a hall's own dated values added; from its date on, a hall's value wins."""
        extra = list(extra)
        if not extra:
            return self
        params = dict(self.params)
        for name, value in extra:
            base = self.parameter(name)
            # NOTE: a hall's value on the same day as a shipped one replaces it (it is the later word).
            kept = tuple(v for v in base.values if v.since != value.since)
            params[name] = Parameter(name, base.label, base.unit, tuple(sorted(kept + (value,), key=lambda v: v.since)))
        marks = "|".join(f"{n}@{v.since.isoformat()}={v.value}" for n, v in sorted(extra, key=lambda e: (e[0], e[1].since)))
        digest = hashlib.sha256(f"{self.digest}|{marks}".encode()).hexdigest()[:8]
        return ParamSet(self.name, params, digest)


class ParamsAt:
    """The parameter values in force on one day; ``p["name"]`` or ``p.source("name")``."""

    def __init__(self, params: ParamSet, day: date):
        self._params = params
        self.day = day

    def __getitem__(self, name: str) -> Any:
        return self._params.parameter(name).at(self.day).value

    def on(self, day: date) -> ParamsAt:
        """The same parameters on another day that matters (e.g. when a bike's standard took effect)."""
        return ParamsAt(self._params, day)

    def source(self, name: str) -> str:
        return self._params.parameter(name).at(self.day).source

    def label(self, name: str) -> str:
        return self._params.parameter(name).label


_cache: dict[str, ParamSet] = {}


def load_params(name: str, directory: Path | None = None) -> ParamSet:
    """The parameter file ``resources/params/<name>.toml``, cached."""
    directory = directory or PARAMS_DIR
    key = str(directory / name)
    if key not in _cache:
        _cache[key] = ParamSet.load(directory / f"{name}.toml")
    return _cache[key]
