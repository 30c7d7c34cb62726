"""What a procedure decided at the window declares of itself: its on-site inspection and the words of its papers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# What an inspection's record is (desktop/cases/at_window.py stores it in the case's lifecycle, the
# service's papers print it): {"items": [{"item", "label", "result", "result_label"}, …], "passed": bool,
# "note": str}; None when the answers hold no inspection at all.
InspectionRecord = Callable[[Mapping[str, Any]], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Inspection:
    """An on-site inspection the clerk records on the form before such a procedure concludes (现场查验)."""

    keys: tuple[str, ...]  # its answer keys: every one is a field of the service's form
    record: InspectionRecord
    # What accepting says when an item failed or was not done (the rules refuse such a case already;
    # this guards the register against an assessment that did not).
    refused: str = "现场查验有未通过或未完成的项目，不能办结。请核对查验结果。"


@dataclass(frozen=True)
class AtWindow:
    """The words a procedure decided at the window (Service.decided_at_window) uses, and its inspection.

    NOTE (issue 16): desktop/cases/at_window.py runs every such procedure the same way and names none;
    what differs — the law that has it decided at the window, what a revocation restores, the
    inspection — is declared here by the service, with neutral defaults for one that declares nothing.
    """

    # Cited when a review step (补正, 延长, 批准, 不予许可) is refused, e.g. 《…管理办法》第十四条、第十五条.
    basis: str = ""
    # What a 撤销登记决定书 says is restored to its state before this registration.
    register: str = "登记信息"
    # The 撤销登记决定书's heading over the case's search identifiers (the thing the registration was of).
    subject: str = "所涉登记事项"
    inspection: Inspection | None = None
