"""The remedies line of a refusal or decision: review body, court and periods for its procedure."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from datetime import date

from desktop import paths
from forms import registry
from forms.params import DatedValue, ParameterError, load_params

log = logging.getLogger(__name__)
HALL_FILE = "remedies.toml"  # in the configuration folder: a hall's own authorities, per service
KEYS = ("authority", "review_body", "court", "review_days", "suit_months")


@dataclass(frozen=True)
class Remedies:
    authority: str
    review_body: str
    court: str
    review_days: int
    suit_months: int
    source: str

    def text(self, paper: str) -> str:
        """One paragraph for ``paper`` (the paper's own name: 通知书 or 决定书)."""
        return (f"本决定由{self.authority}作出。如不服本决定，"
                f"可以自收到本{paper}之日起{self.review_days}日内向{self.review_body}申请行政复议，"
                f"或者自收到本{paper}之日起{self.suit_months}个月内向{self.court}提起行政诉讼。"
                f"（依据：{self.source}）")


def _hall_values() -> dict:
    path = paths.config_dir() / HALL_FILE
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        # NOTE: a broken hall file must not stop a refusal from being issued: the shipped defaults
        # still name a competent body; the administrator finds the warning in the log.
        log.warning("hall remedies file %s unreadable; using the defaults", path, exc_info=True)
        return {}


def for_service(service_id: str, on: date) -> Remedies:
    """What the papers of ``service_id`` made on ``on`` name: the hall's values over the defaults."""
    params = load_params("remedies").at(on)
    table = params["remedies"]
    merged: dict = {**table.get("default", {}), **table.get(service_id, {})}
    source = params.source("remedies")
    # NOTE (issue 16): a service package may carry its own authorities in its own parameter file (a
    # ``remedies`` parameter, dated and sourced like the shared one), so adding a service needs no
    # edit of resources/params/remedies.toml; the shared file's defaults (periods, court) still apply.
    own = _own_remedies(service_id, on)
    if own is not None:
        merged.update(own.value)
        source = own.source
    hall = _hall_values()
    merged.update({k: v for k, v in hall.get("default", {}).items() if k in KEYS})
    merged.update({k: v for k, v in hall.get(service_id, {}).items() if k in KEYS})
    return Remedies(str(merged["authority"]), str(merged["review_body"]), str(merged["court"]),
                    int(merged["review_days"]), int(merged["suit_months"]), source)


def _own_remedies(service_id: str, on: date) -> DatedValue | None:
    """The ``remedies`` parameter of the service's own parameter file, if it has one."""
    try:
        service = registry.get(service_id)
        return service.params().parameter("remedies").at(on)
    except (KeyError, ParameterError, FileNotFoundError):
        return None


def paper_noun(title: str) -> str:
    """决定书 for a 决定书, else 通知书: the remedies line speaks of the paper it is printed on."""
    return "决定书" if title.endswith("决定书") else "通知书"


def section(service_id: str, title: str, on: date) -> str:
    return for_service(service_id, on).text(paper_noun(title))
