"""The bike on e-bike papers that may reach a non-owner (不予登记通知书, 一次性告知书): masked plate and frame, no owner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.cases import hooks, status
from desktop.cases.hooks import HookResult, IntakeContext
from forms.services.ebike import common as ec

SERVICES = ("ebike_registration", "ebike_transfer", "ebike_theft", "ebike_destroyed", "ebike_recovered", "ebike_plate")

# NOTE (issue 13): a refusal or a one-time notice is handed to whoever applied, who may not be the
# owner (a theft reported by someone else, a transfer of a bike the seller does not own). It names
# the bike so the paper says what it is about, by the register's own numbers where the look-up
# found the bike, masked by THE rule (forms.checks.mask_id), and never the owner: the owner's name
# appears on a paper only when it is the applicant's own (the header) or on the owner's own papers.


def bike_rows(answers: Mapping[str, Any], facts: Mapping[str, Any] | None) -> list[list[str]]:
    """号牌号码 and 车架号, masked; from the registration found, else as typed; [] when neither is known."""
    reg = (facts or {}).get("registration") or {}
    plate = reg.get("plate_no") or ec.normalize_code(answers.get("plate_no"))
    frame = reg.get("frame_no") or ec.normalize_code(answers.get("frame_no"))
    rows = []
    if plate:
        rows.append(["号牌号码", ec.mask_code(plate)])
    if frame:
        rows.append(["车架号（整车编码）", ec.mask_code(frame)])
    return rows


@hooks.on(status.NOT_ACCEPTED, *SERVICES)
@hooks.on(status.DRAFT, *SERVICES)
def name_the_bike(ctx: IntakeContext) -> HookResult:
    """The refusal's and the notice's 车辆信息 (nothing is written)."""
    return HookResult(receipt_rows=bike_rows(ctx.answers, ctx.facts), rows_heading="车辆信息")
