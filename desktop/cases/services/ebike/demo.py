"""The e-bike procedures in the demo hall: registered bikes feed the transfers, theft reports and the rest."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.cases import demo_data, status
from desktop.cases.demo_data import DemoCase, DemoPlan

# NOTE: a bike nobody registered: every procedure on it is refused at the window (不予登记).
_UNKNOWN_BIKE = {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"}
BIKES, STOLEN = "bikes", "stolen"  # the pools: registered bikes; bikes reported stolen (for the 找回 cases)


def _fill_registration(case: DemoCase) -> None:
    p = case.people
    brand, model = p.brand()
    case.answers.update(frame_no=p.frame_no(), brand=brand, model=model, colour=p.colour(), motor_no=p.motor_no(),
                        owner_address=p.address())


def _registered(case: DemoCase) -> None:
    from desktop.cases.queries import get_case

    if case.target == status.CANCELLED or case.case_id is None:  # a revoked one has no bike left
        return
    stored = get_case(case.db, case.case_id).answers
    case.pools.setdefault(BIKES, []).append(
        {"plate_no": stored.get("plate_no"), "frame_no": stored["frame_no"], "owner_name": stored["owner_name"],
         "owner_id_number": stored["owner_id_number"], "owner_phone": stored["owner_phone"], "day": case.day})


def _on_a_bike(pool: str, after_days: int = 0):
    """prepare: a procedure on a bike already in the register takes one from ``pool`` (not for a refusal)."""

    def prepare(case: DemoCase) -> bool:
        if case.target == status.NOT_ACCEPTED:
            return True  # refused: the bike of _UNKNOWN_BIKE, set by the refusal's answers
        bikes = case.pools.get(pool) or []
        if not bikes:
            return False
        # A draft or a one-time notice changes nothing in the register: the bike serves a later case too.
        bike = bikes[0] if case.target in (status.DRAFT, "incomplete") else bikes.pop(0)
        case.found["bike"] = bike
        today = case.today or case.day
        case.day = min(max(case.day, bike["day"] + timedelta(days=after_days)), today)
        return True

    return prepare


def _bike_fill(case: DemoCase) -> None:
    """Transfers, theft reports and the register's other procedures work on a bike registered in this hall."""
    if case.service_id == "ebike_transfer":
        case.answers.update(new_owner_address=case.people.address())
    bike = case.found.get("bike")
    if bike is None:
        return
    case.answers.update(plate_no=bike["plate_no"], frame_no=bike["frame_no"])
    if case.service_id != "ebike_transfer":
        case.answers.update(owner_name=bike["owner_name"], owner_id_number=bike["owner_id_number"],
                            owner_id_type="resident_id", owner_phone=bike["owner_phone"])
    if case.service_id == "ebike_destroyed":  # not before the registration (dm.destroyed)
        case.answers["destroyed_date"] = max(date.fromisoformat(case.answers["destroyed_date"]), bike["day"]).isoformat()
    if case.service_id == "ebike_recovered":  # not before the loss (dh.found); the loss is dated its case's day
        case.answers["found_date"] = max(date.fromisoformat(case.answers["found_date"]), bike["day"]).isoformat()


def _reported_stolen(case: DemoCase) -> None:
    bike = case.found.get("bike")
    if bike is not None and case.target not in (status.REFUSED, status.CANCELLED):
        today = case.today or case.day
        case.pools.setdefault(STOLEN, []).append({**bike, "day": min(case.day + timedelta(days=2), today)})


def _plate_blocks(db, admin, windows: tuple[str, ...]) -> None:
    """Each window of the demo hall its own block of plates (郑A + window × 10000), unless it has one."""
    from desktop.cases.services.ebike import plates

    # NOTE: the demo hall is one SQLite file, a standalone PC by default: plates come only from the
    # windows' blocks (plates.py), as the administrator would assign them.
    have = {b.window for b in plates.list_blocks(db)}
    for window in windows:
        if window not in have:
            first = int(window) * 10000
            plates.assign_block(db, admin, window, "郑A", 5, first, first + 9999, window="01")


def _more_when_issued(factor: int):
    return lambda target, per_state: per_state * factor if target == status.ISSUED else 0


demo_data.declare(DemoPlan(
    "ebike_registration", order=20, refusal_reason="EB02",
    # NOTE (issue 13): the demo's refused registration is one whose motor number did not match at the inspection.
    refuse={"inspect_motor": "mismatch", "inspect_note": "电机钢印为M24B009999，合格证载M24A001234"},
    extra=_more_when_issued(40),  # bikes for the transfer, theft, 补领/换领 and 灭失 cases that follow
    fill=_fill_registration, accepted=_registered, setup=_plate_blocks))
demo_data.declare(DemoPlan("ebike_transfer", order=40, refuse=_UNKNOWN_BIKE, refusal_reason="EB03",
                           prepare=_on_a_bike(BIKES), fill=_bike_fill))
demo_data.declare(DemoPlan("ebike_theft", order=50, refuse=_UNKNOWN_BIKE, refusal_reason="EB04",
                           extra=_more_when_issued(6),  # stolen bikes for the 找回 cases
                           prepare=_on_a_bike(BIKES), fill=_bike_fill, accepted=_reported_stolen))
demo_data.declare(DemoPlan("ebike_recovered", order=60, refuse=_UNKNOWN_BIKE, refusal_reason="EB06",
                           prepare=_on_a_bike(STOLEN, after_days=1), fill=_bike_fill))
demo_data.declare(DemoPlan("ebike_plate", order=70, refuse=_UNKNOWN_BIKE, refusal_reason="EB07",
                           prepare=_on_a_bike(BIKES), fill=_bike_fill))
demo_data.declare(DemoPlan("ebike_destroyed", order=80, refuse=_UNKNOWN_BIKE, refusal_reason="EB05",
                           prepare=_on_a_bike(BIKES), fill=_bike_fill))
