"""A real CUPS print queue for tests: the system's scheduler (started if it is not running) and a cups-pdf printer."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path

BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CONF = Path("/etc/cups/cups-pdf.conf")
# NOTE: the spooler is another process with no event we can wait on; these bound the polls.
SCHEDULER_TIMEOUT_S = 30.0
JOB_TIMEOUT_S = 60.0


def available() -> str | None:
    """None when a queue can be made here, else why not."""
    missing = [t for t in ("cupsd", "lpadmin", "lpstat", "cupsreject", "cupsdisable") if shutil.which(t) is None]
    if not BACKEND.exists():
        missing.append("cups-pdf")
    if missing:
        return f"not installed: {', '.join(missing)} (tools/system-deps.sh installs them)"
    if os.geteuid() != 0 and not _scheduler_running():
        return "the CUPS scheduler is not running and only root may start it"
    return None


def _c(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=30, env=env, check=check)


def _scheduler_running() -> bool:
    return "scheduler is running" in _c("lpstat", "-r", check=False).stdout


class CupsQueue:
    """``start()`` adds the queue (and starts cupsd when needed); ``stop()`` removes what it added."""

    def __init__(self, name: str):
        self.name = name
        self._cupsd: subprocess.Popen | None = None

    def start(self) -> CupsQueue:
        if not _scheduler_running():
            self._cupsd = subprocess.Popen(["cupsd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + SCHEDULER_TIMEOUT_S
            while not _scheduler_running():
                if time.monotonic() > deadline or self._cupsd.poll() is not None:
                    raise RuntimeError("cupsd did not start")
                time.sleep(0.1)
        _c("lpadmin", "-p", self.name, "-v", "cups-pdf:/", "-m", PPD, "-E")
        return self

    def stop(self) -> None:
        _c("lpadmin", "-x", self.name, check=False)
        if self._cupsd is not None:
            self._cupsd.terminate()
            self._cupsd.wait(timeout=30)

    def reject(self, yes: bool = True) -> None:
        _c("cupsreject" if yes else "cupsaccept", self.name)

    def pause(self, reason: str | None) -> None:
        """``cupsdisable -r reason``; None enables it again."""
        if reason is None:
            _c("cupsenable", self.name)
        else:
            _c("cupsdisable", "-r", reason, self.name)

    def output_dir(self) -> Path:
        """Where cups-pdf writes this user's jobs (its ``Out`` setting, ${HOME} expanded)."""
        out = "${HOME}/PDF"
        for line in CONF.read_text(errors="replace").splitlines():
            if line.startswith("Out "):
                out = line[4:].strip()
        user = pwd.getpwuid(os.getuid())
        return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))

    def wait_for_output(self, job_id: int) -> Path:
        """The PDF cups-pdf made of job ``job_id``, once the spooler says the job is completed."""
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while True:
            done = _c("lpstat", "-W", "completed", "-o", self.name, check=False).stdout
            if re.search(rf"^{re.escape(self.name)}-{job_id}\s", done, re.M):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} did not complete: {_c('lpstat', '-l', '-o', check=False).stdout}")
            time.sleep(0.1)
        matches = sorted(self.output_dir().glob(f"*job_{job_id}.pdf"))
        if not matches:
            raise FileNotFoundError(f"cups-pdf wrote no file for job {job_id} in {self.output_dir()}")
        return matches[-1]
