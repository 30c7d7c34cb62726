"""What the system's print spooler (CUPS) says of a printer: accepting jobs, enabled, and which jobs it has taken."""

from __future__ import annotations

import os
import shutil
import subprocess

# NOTE (issue 17, found on a real CUPS queue): Qt hands a job to CUPS when the painter ends and
# reports nothing when CUPS refuses it — a queue set to reject jobs (cupsreject) swallowed the paper
# while Qt said the printer was idle, and HallDesk recorded it as printed. So, where the spooler's
# command-line client is there (every CUPS system: 统信UOS, 麒麟, Debian), the print path asks it
# before (is the queue accepting and enabled?) and after (did a new job appear?). Elsewhere
# (Windows) the answers are None and printing goes on as Qt reports it.
LPSTAT_TIMEOUT_S = 5


def _lpstat(*args: str) -> str | None:
    """lpstat's output in the C locale (it is parsed), or None when there is no usable lpstat."""
    tool = shutil.which("lpstat")
    if tool is None:
        return None
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        done = subprocess.run([tool, *args], capture_output=True, text=True, timeout=LPSTAT_TIMEOUT_S, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def refusal(printer: str) -> str | None:
    """A plain Chinese reason when the spooler will not print on ``printer`` now; None when it will (or cannot tell)."""
    accepting = _lpstat("-a", printer)
    if accepting is not None:
        line = next((ln for ln in accepting.splitlines() if ln.startswith(printer + " ")), "")
        if " not accepting requests" in line:
            return f"打印机“{printer}”当前不接受打印任务（已被设为拒绝任务），请联系管理员或选择其他打印机。"
    state = _lpstat("-p", printer)
    if state is not None:
        lines = state.splitlines()
        for index, line in enumerate(lines):
            if line.startswith(f"printer {printer} ") and " disabled" in line:
                reason = lines[index + 1].strip() if index + 1 < len(lines) and lines[index + 1][:1].isspace() else ""
                told = f"（{reason}）" if reason and reason != "Paused" else ""
                return f"打印机“{printer}”已暂停{told}，任务不会打印出来，请检查打印机或选择其他打印机。"
    return None


def job_ids(printer: str) -> set[int] | None:
    """The ids of every job the spooler keeps for ``printer`` (finished ones too); None when it cannot tell."""
    listing = _lpstat("-W", "all", "-o", printer)
    if listing is None:
        return None
    ids: set[int] = set()
    for line in listing.splitlines():
        name = line.split(" ", 1)[0]
        head, dash, number = name.rpartition("-")
        if dash and head == printer and number.isdigit():
            ids.add(int(number))
    return ids


def took_new_job(printer: str, before: set[int] | None) -> bool | None:
    """True when the spooler holds a job newer than all of ``before``; None when it cannot tell."""
    if before is None:
        return None
    after = job_ids(printer)
    if after is None:
        return None
    newest = max(before, default=0)
    # NOTE: CUPS keeps finished jobs (PreserveJobHistory, its default), so a job already printed
    # still shows; ids only grow.
    return any(job > newest for job in after)
