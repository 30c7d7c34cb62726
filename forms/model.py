"""The vocabulary of the rules module: fields, materials, findings, deadlines and assessments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field as dc_field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing_information"
    MANUAL = "needs_manual_check"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.PASS: "符合",
    Outcome.FAIL: "不符合",
    Outcome.NOT_APPLICABLE: "不适用",
    Outcome.MISSING: "信息不全",
    Outcome.MANUAL: "需人工核查",
}


class Effect(StrEnum):
    """What a failed rule does to the case."""

    REFUSE = "refuse"  # the applicant does not qualify: written refusal with reasons
    CORRECT = "correct"  # the data is wrong or incomplete: fix it before acceptance
    WARN = "warn"  # shown, never blocks


class Decision(StrEnum):
    ACCEPT = "accept"
    INCOMPLETE = "incomplete"
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        return {"accept": "可以受理", "incomplete": "材料或信息不全", "refuse": "不予受理"}[self.value]


class Kind(StrEnum):
    TEXT = "text"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    CHOICE = "choice"
    BOOL = "bool"
    TABLE = "table"  # a list of rows, each a mapping of the column fields


@dataclass(frozen=True)
class Basis:
    """Where a rule comes from: document number and clause, e.g. 郑政办〔2021〕8号 二、1."""

    document: str
    clause: str = ""

    def __str__(self) -> str:
        return cite(f"{self.document} {self.clause}")


# A part of a notice cited alone: "五、" at the end, or before "及".
_BARE_PART = re.compile(r"(?:(?<=[\s及])|^)([一二三四五六七八九十]+)、(?=及|$)")


def cite(text: str) -> str:
    """A citation as printed: a notice's part cited alone reads 第五部分, not a stray "五、" (issue 14).

    "二、1" (item 1 of part 二) and "三、（二）5" keep the notice's own numbering."""
    return _BARE_PART.sub(r"第\1部分", text.strip())


@dataclass(frozen=True)
class When:
    """A data-only condition on one answer: equals one value, or is one of several."""

    key: str
    equals: Any = None
    one_of: tuple = ()
    is_true: bool | None = None

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.key)
        if self.is_true is not None:
            return bool(value) is self.is_true and value is not None
        if self.one_of:
            return value in self.one_of
        return value == self.equals

    def describe(self) -> str:
        if self.is_true is not None:
            return f"{self.key} 为{'是' if self.is_true else '否'}时"
        if self.one_of:
            return f"{self.key} ∈ {list(self.one_of)} 时"
        return f"{self.key} = {self.equals} 时"


# The length of a field that does not name its own: an ID number with the spaces a clerk may type
# (cases.id_number is 24), a phone number with +86 (cases.phone is 20), a line of free text.
DEFAULT_MAX_LENGTH = {Kind.ID_NUMBER: 24, Kind.PHONE: 20, Kind.TEXT: 200}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True
    required_when: When | None = None  # when set, required only while it holds
    visible_when: When | None = None  # hidden (and not required) otherwise
    choices: tuple[tuple[str, str], ...] = ()  # (value, Chinese label)
    help: str = ""
    section: str = ""
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    max_length: int | None = None
    columns: tuple[Field, ...] = ()  # for Kind.TABLE
    placeholder: str = ""
    not_future: bool = False  # dates: may not be after the assessment date
    id_type_key: str | None = None  # ID numbers: the field that names the ID type

    def __post_init__(self) -> None:
        # NOTE: every free-text field has a length, so the form, the widget, the schema and the
        # database columns (desktop/store/models.py; tests/forms/test_field_lengths.py) agree.
        if self.max_length is None and self.kind in DEFAULT_MAX_LENGTH:
            object.__setattr__(self, "max_length", DEFAULT_MAX_LENGTH[self.kind])

    def is_visible(self, answers: Mapping[str, Any]) -> bool:
        return self.visible_when is None or self.visible_when.holds(answers)

    def is_required(self, answers: Mapping[str, Any]) -> bool:
        if not self.is_visible(answers):
            return False
        if self.required_when is not None:
            return self.required_when.holds(answers)
        return self.required

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, "" if value is None else str(value))


@dataclass(frozen=True)
class Material:
    key: str
    label: str
    basis: Basis
    required: bool = True
    required_when: When | None = None
    alternatives: tuple[str, ...] = ()  # material keys that can replace this one
    shareable: bool = False  # may be verified through government data sharing (一网通办)
    core: bool = True  # non-core materials may be accepted missing under 容缺受理
    pledge_allowed: bool = False  # 告知承诺制: a written pledge may replace it
    help: str = ""

    def is_required(self, answers: Mapping[str, Any]) -> bool:
        if self.required_when is not None:
            return self.required_when.holds(answers)
        return self.required


class MaterialState(StrEnum):
    PROVIDED = "provided"  # paper handed over
    SHARED = "shared"  # verified through data sharing
    PLEDGED = "pledged"  # replaced by a written pledge (告知承诺)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    outcome: Outcome
    message: str
    basis: Basis
    effect: Effect = Effect.REFUSE
    field: str | None = None  # the field key the clerk should look at
    facts: Mapping[str, Any] = dc_field(default_factory=dict)

    @property
    def material(self) -> str | None:
        """The material key a finding about a material points at (its facts carry it), else None."""
        key = self.facts.get("material")
        return str(key) if key else None

    @property
    def blocks(self) -> bool:
        if self.effect is Effect.WARN:
            return False
        return self.outcome in (Outcome.FAIL, Outcome.MISSING)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "outcome": self.outcome.value,
            "outcome_label": self.outcome.label,
            "message": self.message,
            "basis": str(self.basis),
            "effect": self.effect.value,
            "field": self.field,
            "facts": jsonable(self.facts),
        }


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str  # e.g. "周六", "国庆节", "调休"


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    start: date
    due: date
    count: int
    unit: str  # "working_days" or "calendar_days"
    provisional: bool
    basis: Basis
    explanation: str
    skipped: tuple[SkippedDay, ...] = ()
    # Which step meets it: "decision" (approved or refused), "issue" (the card or plate handed
    # over; a refusal ends it unmet), "completion" (办结: issued, or refused — both close the case).
    stage: str = "completion"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "stage": self.stage,
            "label": self.label,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "count": self.count,
            "unit": self.unit,
            "provisional": self.provisional,
            "basis": str(self.basis),
            "explanation": self.explanation,
            "skipped": [{"day": s.day.isoformat(), "reason": s.reason} for s in self.skipped],
        }


@dataclass(frozen=True)
class AmountLine:
    """One line of a calculation: what, how, how much (yuan, two decimals)."""

    label: str
    amount: Decimal
    formula: str = ""
    basis: Basis | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "amount": f"{self.amount:.2f}",
            "formula": self.formula,
            "basis": str(self.basis) if self.basis else "",
        }


@dataclass(frozen=True)
class MissingMaterial:
    key: str
    label: str
    basis: Basis
    core: bool
    pledge_allowed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "basis": str(self.basis),
            "core": self.core,
            "pledge_allowed": self.pledge_allowed,
        }


@dataclass(frozen=True)
class Assessment:
    service_id: str
    decision: Decision
    findings: tuple[Finding, ...]
    missing_materials: tuple[MissingMaterial, ...]
    deadlines: tuple[Deadline, ...]
    amounts: tuple[AmountLine, ...]
    total: Decimal | None
    assessed_on: date
    rules_version: str
    calendar_version: str

    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.blocks]

    def corrections(self) -> list[Finding]:
        """Answers the clerk typed wrongly (a failed check with effect *correct*, e.g. a check digit).

        NOTE: a paper made while one is open would carry the error (and a masked ID hides it), so
        neither a refusal nor a one-time notice may be issued until they are corrected (issue 12).
        """
        return [f for f in self.findings if f.outcome is Outcome.FAIL and f.effect is Effect.CORRECT]

    def to_dict(self) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "decision": self.decision.value,
            "decision_label": self.decision.label,
            "assessed_on": self.assessed_on.isoformat(),
            "rules_version": self.rules_version,
            "calendar_version": self.calendar_version,
            "findings": [f.to_dict() for f in self.findings],
            "missing_materials": [m.to_dict() for m in self.missing_materials],
            "deadlines": [d.to_dict() for d in self.deadlines],
            "amounts": [a.to_dict() for a in self.amounts],
            "total": None if self.total is None else f"{self.total:.2f}",
        }


def jsonable(value: Any) -> Any:
    """Dates, decimals and tuples as JSON-friendly values (facts are stored with the case)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


RuleFn = Callable[["RuleContext"], "Finding | Iterable[Finding] | None"]  # None: nothing to say


@dataclass(frozen=True)
class Rule:
    rule_id: str
    title: str
    basis: Basis
    fn: RuleFn


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at: typed answers, materials, the date, parameters, outside facts."""

    answers: Mapping[str, Any]
    materials: Mapping[str, MaterialState]
    today: date
    params: ParamView
    facts: Mapping[str, Any]  # from the database, passed in by the case layer (forms stays pure)

    def get(self, key: str) -> Any:
        return self.answers.get(key)


class ParamView(Protocol):  # pragma: no cover - structural type, see forms.params.ParamsAt
    def __getitem__(self, name: str) -> Any: ...
    def on(self, day: date) -> ParamView: ...
    def source(self, name: str) -> str: ...
