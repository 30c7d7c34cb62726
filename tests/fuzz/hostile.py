"""Hostile answers and materials built from a service's form: wrong types, bad characters, huge numbers."""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

from forms.model import Field, Kind
from forms.service import Service

TODAY = date(2026, 11, 25)

# NOTE: inputs per test (each test runs once per service, 5 services): a few hundred in all for
# `make test`, over 10,000 for `make fuzz` (HALLDESK_FUZZ=fuzz). Derandomized and without an example
# database, so CI and every developer run the same inputs and a failure found once is found again.
# Applied per test (not a loaded profile), so the other hypothesis tests keep their own settings.
EXAMPLES = {"test": 40, "fuzz": 1100}
RUNS: Counter[str] = Counter()  # inputs run per test, reported at the end of the session (conftest.py)
FUZZ = settings(
    max_examples=EXAMPLES[os.environ.get("HALLDESK_FUZZ", "test")], derandomize=True, database=None,
    deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

# Characters that broke the stores and papers: lone surrogates, C0/C1 controls, bidi overrides, NUL.
BAD_CHARS = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\ufeff"])
NUMBER_TEXT = st.sampled_from(["1e30", "-1e30", "1e999999", "-1e999999", "1e-999999", "NaN", "-nan", "sNaN",
                               "Infinity", "-Infinity", "inf", "9" * 400, "1" + "0" * 28, "0.0000001",
                               "1,000", "１２３", "25", "25.5", " 7 ", "1_0", "0x10", ""])
NUMBERS = st.one_of(st.integers(), st.integers(min_value=10**18, max_value=10**80),
                    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True, allow_infinity=True))
LONG_TEXT = st.integers(min_value=20, max_value=3000).map(lambda n: "张" * n)
TEXT = st.one_of(st.text(max_size=30), st.text(st.characters(exclude_categories=[]), max_size=12),
                 st.builds(lambda a, b, c: a + b + c, st.text(max_size=8), BAD_CHARS, st.text(max_size=8)),
                 LONG_TEXT, NUMBER_TEXT, st.sampled_from(["2026-02-30", "9999-12-31", "0001-01-01", "2026-11-25",
                                                          "20261125", "是", "否", "true", "provided"]))


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


DEEP = st.integers(min_value=2, max_value=1500).map(nested)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
ANY = st.one_of(SCALARS, DEEP, st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)), max_leaves=12))


def plausible(field: Field) -> st.SearchStrategy:
    """A value of the field's own kind (so a case gets past the obvious into the rules), or garbage."""
    kind = field.kind
    if kind is Kind.CHOICE and field.choices:
        return st.sampled_from([v for v, _ in field.choices])
    if kind is Kind.BOOL:
        return st.booleans()
    if kind is Kind.DATE:
        return st.dates(min_value=date(1890, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat)
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        return st.one_of(NUMBERS, NUMBER_TEXT)
    if kind is Kind.TABLE:
        return st.lists(st.fixed_dictionaries({}, optional={c.key: value_for(c) for c in field.columns}),
                        max_size=4)
    return TEXT


def value_for(field: Field) -> st.SearchStrategy:
    return st.one_of(plausible(field), ANY)


@st.composite
def answers_for(draw, service: Service) -> dict[str, Any]:
    """The service's complete example with some answers replaced (and sometimes a key it does not know)."""
    answers = dict(service.example(TODAY)["answers"])
    keys = draw(st.lists(st.sampled_from([f.key for f in service.fields]), min_size=1, max_size=6, unique=True))
    for key in keys:
        answers[key] = draw(value_for(service.field(key)))
    if draw(st.integers(0, 30)) == 0:
        answers[draw(st.text(max_size=6))] = draw(SCALARS)
    return answers


@st.composite
def materials_for(draw, service: Service) -> dict[str, Any]:
    materials = dict(service.example(TODAY).get("materials") or {})
    for m in draw(st.lists(st.sampled_from([m.key for m in service.materials]), max_size=3, unique=True)):
        materials[m] = draw(st.one_of(st.sampled_from(["provided", "shared", "pledged", True, False, None, ""]),
                                      st.integers(0, 30).flatmap(lambda n: ANY if n == 0 else st.just("provided"))))
    return materials
