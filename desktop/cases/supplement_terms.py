"""The 补正期限 line of a notice: the period a rule sets (a dated parameter with its source), or what happens when none is set."""

from __future__ import annotations

from datetime import date

from forms.params import ParameterError, ParamSet
from forms.service import Service

PARAM = "supplement_days"  # in a service's parameter file: days to supplement, with its source


def period(params: ParamSet, on: date) -> tuple[int, str] | None:
    """(days, source) where the parameters set a period for supplementing on ``on``; else None."""
    if PARAM not in params.params:
        return None
    try:
        view = params.at(on)
        return int(view[PARAM]), view.source(PARAM)
    except ParameterError:
        return None  # the period took effect after ``on``


def section(service: Service, on: date, accepted: bool, paper: str,
            params: ParamSet | None = None) -> dict[str, str]:
    """The 补正期限 section of a 补正通知书 (``accepted``) or a 一次性告知书 (not yet accepted)."""
    found = period(params or service.params(), on)
    if found:
        days, source = found
        text = f"请自收到本{paper}之日起{days}日内补正（依据：{source}）。"
    else:
        # NOTE: none of the documents behind these services (../shared/regulations/) sets a period for
        # the applicant to supplement, and 行政许可法 第三十二条's five days bind the office, not the
        # applicant; so no period is printed, only what the missing supplements do to the case.
        text = "本事项的规定未设定补正期限。"
        if accepted:
            text += "补正期间办理期限暂停计算，自收到全部补正材料的次日起重新计算。"
        else:
            text += "本申请尚未受理，办理期限尚未起算；补齐后到窗口提交，自受理之日起计算办理期限。"
    return {"heading": "补正期限", "type": "text", "text": text}
