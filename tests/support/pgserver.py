"""A throwaway PostgreSQL server for hall-mode tests: initdb in a temp folder, on a free local port."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bin() -> Path | None:
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin"):
        for folder in sorted(glob.glob(pattern), reverse=True):
            if (Path(folder) / "initdb").exists():
                return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """Started with ``start()``, stopped with ``stop()``; ``url(db)`` gives a SQLAlchemy URL."""

    def __init__(self, bin_dir: Path, password: str | None = None):
        self.bin = bin_dir
        # NOTE: None is the tests' usual trust server; a password makes a server that asks for it
        # (scram-sha-256 on every connection), as a hall's real server does (issue 17).
        self.password = password
        self.root = Path(tempfile.mkdtemp(prefix="halldesk-pg-"))
        self.port = _free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            # initdb refuses to run as root: use the postgres system account the package creates.
            self.user = "postgres"
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str, **kw) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        if self.password is not None:
            kw["env"] = dict(os.environ, PGPASSWORD=self.password)
        return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120, **kw)

    def start(self) -> PgServer:
        data = self.root / "data"
        auth: list[str | Path] = ["-A", "trust"]
        if self.password is not None:
            secret = self.root / "pwfile"
            secret.write_text(self.password + "\n")
            if self.user:
                pw = pwd.getpwnam(self.user)
                os.chown(secret, pw.pw_uid, pw.pw_gid)
            secret.chmod(0o600)
            auth = ["-A", "scram-sha-256", f"--pwfile={secret}"]
        self._run(self.bin / "initdb", "-D", data, *auth, "-U", "halldesk", "--encoding=UTF8",
                  "--locale=C.UTF-8")
        self._run(self.bin / "pg_ctl", "-D", data, "-l", self.root / "log", "-w", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        for _ in range(50):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start")

    def create_database(self, name: str) -> str:
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "halldesk", name)
        return self.url(name)

    def url(self, name: str, password: str | None = None) -> str:
        """The URL with ``password`` (default: the server's own, if it has one)."""
        secret = self.password if password is None else password
        account = f"halldesk:{secret}" if secret is not None else "halldesk"
        return f"postgresql+psycopg://{account}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)
