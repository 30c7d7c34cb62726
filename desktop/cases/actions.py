"""The lifecycle steps a case offers to an account now; the case view shows one button for each."""

from __future__ import annotations

from desktop.cases import at_window, permissions, status
from desktop.cases.casefile import CaseFile
from desktop.cases.dto import AccountInfo

# NOTE: a draft is not cancelled from the case view: it is resumed on its intake page.
CANCELLABLE = frozenset(s for s, moves in status.TRANSITIONS.items() if status.CANCELLED in moves) - {status.DRAFT}
STEPS = ("supplement", "receive", "fulfil", "approve", "decline", "issue", "conclude", "extend", "cancel")


def offered(file: CaseFile, account: AccountInfo) -> frozenset[str]:
    """The steps of STEPS worth offering; the case layer still checks each one when it runs."""
    st, can = file.summary.status, lambda action: permissions.can(account, action)
    # NOTE (issue 13): a procedure decided at the window has no review: no 补正, decision or
    # extension; one accepted before it was (plate already issued) is only 办结'd ("conclude").
    reviewed = not at_window.applies(file.summary.service_id)
    checks = {
        "supplement": st == status.ACCEPTED and reviewed and can("supplement"),
        "receive": st == status.SUPPLEMENT and can("supplement"),
        "approve": st == status.ACCEPTED and reviewed and can("decide"),
        "decline": st == status.ACCEPTED and reviewed and can("decide"),
        "issue": st == status.APPROVED and can("issue"),
        "conclude": st == status.ACCEPTED and not reviewed and can("issue"),
        "extend": st in status.OPEN and reviewed and file.summary.due_on is not None and can("extend"),
        # NOTE: anyone may start a cancellation; a supervisor's countersign completes it. A case
        # concluded at the window is revoked that way (撤销登记).
        "cancel": st in CANCELLABLE or revokes(file),
        "fulfil": st not in status.CLOSED and any(p.awaited for p in file.pledges),
    }
    return frozenset(step for step, ok in checks.items() if ok)


def revokes(file: CaseFile) -> bool:
    """Cancelling this case takes back a registration concluded at the window (撤销登记, its paper printed).

    The same condition as at_window.may_revoke, which lifecycle.cancel checks on the locked row.
    """
    return file.summary.status == status.ISSUED and at_window.applies(file.summary.service_id)
