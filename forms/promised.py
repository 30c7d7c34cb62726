"""The 承诺办结时限 every 政务服务事项 has in its 办事指南, as a deadline read from a dated parameter."""

from __future__ import annotations

from collections.abc import Callable

from forms.model import Basis, Deadline, RuleContext

PROMISED_LABEL = "承诺办结"


def promised_deadline(param: str, label: str = PROMISED_LABEL,
                      stage: str = "completion") -> Callable[[RuleContext, object], list[Deadline]]:
    """A deadline function counting the parameter ``param`` (unit working_days) from the day of acceptance.

    NOTE: the basis printed is the parameter's source — the shipped default names itself as such, and a
    hall's own 办事指南 value (desktop/cases/promised.py) names the hall's guide and who set it.
    """

    def deadlines(ctx: RuleContext, calendar) -> list[Deadline]:
        days = int(ctx.params[param])
        counted = calendar.add_working_days(ctx.today, days)
        return [Deadline("promised", label, ctx.today, counted.due, days, "working_days", counted.provisional,
                         Basis(ctx.params.source(param)), counted.explain(), counted.skipped, stage)]

    deadlines.promised_param = param  # type: ignore[attr-defined]  # read by the hall's settings
    return deadlines
