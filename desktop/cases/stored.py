"""A case's stored assessment, lifecycle and timeline details as frozen data: the UI reads attributes, never JSON keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms import checks

# NOTE: the JSON columns (cases.assessment, cases.lifecycle, audit_log.detail) are written by the case
# layer and read back here, once, where a case is loaded. Old rows may lack keys that newer code
# writes, so every reader below has a default; a widget never needs to know the stored shape.

ATTENTION_OUTCOMES = frozenset({"fail", "missing_information"})  # what the case view marks in red


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, Sequence) and not isinstance(value, str) else ()


@dataclass(frozen=True)
class StoredFinding:
    """One finding of the assessment as stored at acceptance (the rules are not run again)."""

    rule_id: str
    outcome: str  # forms.model.Outcome's value: pass, fail, not_applicable, missing_information, needs_review
    outcome_label: str
    effect: str  # refuse / correct / warn
    message: str
    basis: str
    field: str | None = None
    material: str | None = None  # the material key a finding about a material points at

    @property
    def applicable(self) -> bool:
        return self.outcome != "not_applicable"

    @property
    def needs_attention(self) -> bool:
        return self.outcome in ATTENTION_OUTCOMES

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> StoredFinding:
        facts = data.get("facts") or {}
        material = facts.get("material") if isinstance(facts, Mapping) else None
        return cls(rule_id=str(data.get("rule_id", "")), outcome=str(data.get("outcome", "")),
                   outcome_label=str(data.get("outcome_label") or data.get("outcome", "")),
                   effect=str(data.get("effect", "")), message=str(data.get("message", "")),
                   basis=str(data.get("basis") or ""), field=data.get("field"),
                   material=str(material) if material else None)


@dataclass(frozen=True)
class StoredAssessment:
    """The assessment stored with the case when it was accepted (or noticed, or refused at the window)."""

    decision: str
    decision_label: str
    assessed_on: date | None
    rules_version: str
    calendar_version: str
    findings: tuple[StoredFinding, ...]

    @property
    def shown_findings(self) -> tuple[StoredFinding, ...]:
        """The findings the case view lists: every one that applied to this case."""
        return tuple(f for f in self.findings if f.applicable)

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> StoredAssessment | None:
        if not data:
            return None
        return cls(decision=str(data.get("decision", "")), decision_label=str(data.get("decision_label", "")),
                   assessed_on=_day(data.get("assessed_on")), rules_version=str(data.get("rules_version", "")),
                   calendar_version=str(data.get("calendar_version", "")),
                   findings=tuple(StoredFinding.from_stored(f) for f in data.get("findings") or ()))


@dataclass(frozen=True)
class SupplementEntry:
    """A 补正 requested (and, once the materials came, received)."""

    requested_on: date | None
    items: tuple[str, ...]
    reason: str
    received_on: date | None = None


@dataclass(frozen=True)
class DecisionEntry:
    """批准 or 不予许可, by whom and when."""

    kind: str  # "approved" or "refused"
    on: date | None
    by: str
    note: str = ""
    reason_codes: tuple[str, ...] = ()
    text: str = ""

    @property
    def approved(self) -> bool:
        return self.kind == "approved"


@dataclass(frozen=True)
class InspectionEntry:
    """The 现场查验 of a procedure decided at the window."""

    on: date | None
    by: str
    passed: bool


@dataclass(frozen=True)
class IssueEntry:
    """The hand-over: to a receiver (ID masked), or concluded at the window (legacy: 补记办结)."""

    on: date | None
    by: str
    at_window: bool = False
    legacy: bool = False
    receiver_name: str = ""
    receiver_id_masked: str = ""
    by_proxy: bool = False


@dataclass(frozen=True)
class CancelEntry:
    """A cancellation (撤销) or, of a case concluded at the window, a revocation (撤销登记)."""

    on: date | None
    reason: str
    by: str
    countersign: str
    revoked: bool = False


@dataclass(frozen=True)
class ExtensionEntry:
    """A supervisor's extension of the running deadlines."""

    on: date | None
    days: int
    reason: str
    to: date | None
    provisional: bool
    by: str


@dataclass(frozen=True)
class Lifecycle:
    """What happened to a case after intake, as the case view shows it (receiver ID numbers masked)."""

    supplements: tuple[SupplementEntry, ...] = ()
    decision: DecisionEntry | None = None
    inspection: InspectionEntry | None = None
    issue: IssueEntry | None = None
    cancel: CancelEntry | None = None
    extensions: tuple[ExtensionEntry, ...] = ()

    @property
    def concluded_at_window(self) -> bool:
        """Decided and handed over at the window (第十四条), with no separate 领取 step."""
        return self.issue is not None and self.issue.at_window

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> Lifecycle:
        life = data or {}
        decision, inspection, issue, cancel = (life.get(k) for k in ("decision", "inspection", "issue", "cancel"))
        return cls(
            supplements=tuple(SupplementEntry(_day(s.get("requested_on")), _texts(s.get("items")),
                                              str(s.get("reason", "")), _day(s.get("received_on")))
                              for s in life.get("supplements") or ()),
            decision=DecisionEntry(str(decision.get("kind", "")), _day(decision.get("on")), str(decision.get("by", "")),
                                   str(decision.get("note", "")),
                                   tuple(str(r.get("code", "")) for r in decision.get("reasons") or ()),
                                   str(decision.get("text", ""))) if decision else None,
            inspection=InspectionEntry(_day(inspection.get("on")), str(inspection.get("by", "")),
                                       bool(inspection.get("passed"))) if inspection else None,
            # NOTE: the receiver's full number is kept in the row (proof of hand-over); only its mask leaves here.
            issue=IssueEntry(_day(issue.get("on")), str(issue.get("by", "")), bool(issue.get("at_window")),
                             bool(issue.get("legacy")), str(issue.get("receiver_name", "")),
                             checks.mask_id(str(issue.get("receiver_id_number") or "")),
                             bool(issue.get("by_proxy"))) if issue else None,
            cancel=CancelEntry(_day(cancel.get("on")), str(cancel.get("reason", "")), str(cancel.get("by", "")),
                               str(cancel.get("countersign", "")), bool(cancel.get("revoked"))) if cancel else None,
            extensions=tuple(ExtensionEntry(_day(e.get("on")), int(e.get("days") or 0), str(e.get("reason", "")),
                                            _day(e.get("to")), bool(e.get("provisional")), str(e.get("by", "")))
                             for e in life.get("extensions") or ()),
        )


@dataclass(frozen=True)
class EventDetail:
    """The details of one audit event the timeline shows (the rest of the event's detail stays in the log)."""

    items: tuple[str, ...] = ()  # materials to supplement
    reason_codes: tuple[str, ...] = ()  # coded refusal reasons
    reason: str = ""
    days: int = 0  # an extension's working days …
    to: str = ""  # … and the new due date
    document_id: int | None = None  # a paper made or printed
    kind: str = ""
    copy_no: int = 1
    pages: int = 0
    printer: str = ""
    by_proxy: bool = False
    material: str = ""  # a pledged material fulfilled
    countersign: str = ""

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> EventDetail:
        d = data or {}
        document_id = d.get("document_id")
        return cls(items=_texts(d.get("items")), reason_codes=_texts(d.get("reasons")),
                   reason=str(d.get("reason") or ""), days=int(d.get("days") or 0), to=str(d.get("to") or ""),
                   document_id=int(document_id) if document_id is not None else None, kind=str(d.get("kind") or ""),
                   copy_no=int(d.get("copy_no") or 1), pages=int(d.get("pages") or 0),
                   printer=str(d.get("printer") or ""), by_proxy=bool(d.get("by_proxy")),
                   material=str(d.get("material") or ""), countersign=str(d.get("countersign") or ""))
