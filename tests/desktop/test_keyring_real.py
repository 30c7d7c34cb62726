"""The hall server's password in a real Secret Service keyring (gnome-keyring on a D-Bus session), and the fall-backs (issue 17)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "halldesk@192.168.1.10:5432/halldesk"
SECRET = "Hall-Server-Pass-7"
# NOTE: the child is the program's own module in a fresh interpreter on the session's bus, as a
# clerk's start is: `store` prints where the password went, `load` prints what comes back.
CHILD = """
import sys
from desktop import db_password
if sys.argv[1] == "store":
    print(db_password.store(sys.argv[2], sys.argv[3]))
else:
    print(db_password.load(sys.argv[2]) or "<none>")
"""


def _tools() -> None:
    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(t) is None]
    if missing:
        reason = f"not installed: {', '.join(missing)} (tools/system-deps.sh installs them)"
        if os.environ.get("CI"):
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)


def _session(home: Path, data: Path, steps: list[list[str]], keyring: str = "unlocked") -> list[str]:
    """Run the child once per step inside ONE new D-Bus session (a clerk's desktop login); their outputs."""
    _tools()
    home.mkdir(parents=True, exist_ok=True)
    if keyring == "unlocked":
        # The login keyring unlocked with the session's password, as the desktop's PAM module does.
        start = 'eval "$(printf "login-pw\\n" | gnome-keyring-daemon --unlock --components=secrets)"'
    else:  # "locked": a daemon whose keyring nobody unlocked (its prompt has no screen to appear on)
        start = "gnome-keyring-daemon --start --components=secrets >/dev/null"
    runs = " ; ".join(f'"$PY" -c "$CHILD" {" ".join(step)}' for step in steps)
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share"), "PY": sys.executable,
           "CHILD": CHILD, "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(data)}
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "HALLDESK_KEYRING"):
        env.pop(name, None)
    result = subprocess.run(["dbus-run-session", "--", "sh", "-c", f"{start} ; {runs}"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def _password_file(data: Path) -> Path:
    return data / "config" / "db-password.json"


def test_the_password_lives_in_the_unlocked_login_keyring_and_survives_the_next_login(tmp_path):
    home, data = tmp_path / "home", tmp_path / "data"
    where, again = _session(home, data, [["store", KEY, SECRET], ["load", KEY]])
    assert where == "keyring" and again == SECRET
    assert not _password_file(data).exists()  # nothing of it on disk in HallDesk's folders
    assert not any(SECRET in p.read_text(errors="replace") for p in data.rglob("*") if p.is_file())
    # The next morning: a new desktop session, the same account's keyring file, unlocked at login.
    assert _session(home, data, [["load", KEY]]) == [SECRET]
    # The keyring's own file is the OS's business, inside the clerk's home, never world-readable.
    keyrings = list((home / ".local/share/keyrings").glob("*.keyring"))
    assert keyrings and all(not p.stat().st_mode & stat.S_IROTH for p in keyrings)


def test_a_locked_keyring_falls_back_to_the_private_file(tmp_path):
    home, data = tmp_path / "home", tmp_path / "data"
    where, again = _session(home, data, [["store", KEY, SECRET], ["load", KEY]], keyring="locked")
    assert where == str(_password_file(data)) and again == SECRET
    assert stat.S_IMODE(_password_file(data).stat().st_mode) == 0o600
    assert json.loads(_password_file(data).read_text(encoding="utf-8")) == {KEY: SECRET}


def test_no_keyring_service_at_all_falls_back_to_the_private_file(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(data)}
    for name in ("DBUS_SESSION_BUS_ADDRESS", "HALLDESK_KEYRING"):
        env.pop(name, None)
    stored = subprocess.run([sys.executable, "-c", CHILD, "store", KEY, SECRET], env=env, capture_output=True,
                            text=True, timeout=60)
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.strip() == str(_password_file(data))
    assert stat.S_IMODE(_password_file(data).stat().st_mode) == 0o600
