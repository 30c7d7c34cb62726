"""Debian chroots for the release build and its check: debootstrap, commands inside, mounts always undone.

Used by packaging/linux/build_release.py (the Debian 11 build root) and check_bullseye.py (a fresh
minimal Debian 11 to install the .deb on). Runs as root.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

# The release's oldest system: Debian 11, 银河麒麟 V10's glibc (the build root and the install check).
RELEASE_SUITE = "bullseye"
MIRROR = "http://deb.debian.org/debian"
SECURITY = "http://deb.debian.org/debian-security"
# NOTE: a command inside sees this environment only: the host's PATH, PYTHONPATH, QT_* or virtualenv
# must not leak into the bullseye world.
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
             "LC_ALL": "C.UTF-8", "HOME": "/root", "DEBIAN_FRONTEND": "noninteractive"}


def debootstrap(target: Path, suite: str, variant: str = "minbase", security: bool = False) -> None:
    """A new root at ``target`` (made in ``target``.tmp and renamed, so a failed run leaves no half root)."""
    partial = target.with_name(target.name + ".tmp")
    remove_root(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["debootstrap", f"--variant={variant}", suite, str(partial), MIRROR], check=True,
                   stdout=subprocess.DEVNULL)
    sources = f"deb {MIRROR} {suite} main\n"
    if security:
        sources += f"deb {SECURITY} {suite}-security main\n"
    (partial / "etc" / "apt" / "sources.list").write_text(sources, encoding="utf-8")
    partial.rename(target)


def mounts_under(root: Path) -> list[Path]:
    """Mount points at or below ``root`` (from this process's view of the mount table), deepest first."""
    prefix = str(root.resolve())
    found = []
    for line in Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines():
        point = line.split(" ")[1].replace("\\040", " ")
        if point == prefix or point.startswith(prefix + "/"):
            found.append(Path(point))
    return sorted(found, key=lambda p: len(p.parts), reverse=True)


def unmount_all(root: Path) -> None:
    for point in mounts_under(root):
        subprocess.run(["umount", "--lazy", str(point)], check=False)
    left = mounts_under(root)
    if left:
        raise RuntimeError(f"still mounted under {root}: {', '.join(map(str, left))}")


def remove_root(root: Path) -> None:
    """Delete a chroot folder, but never while something (a bind of the host's /tmp/.X11-unix …) is mounted in it."""
    if root.exists():
        unmount_all(root)
        shutil.rmtree(root)


@contextmanager
def mounted(root: Path, binds: Sequence[tuple[Path, str]] = ()) -> Iterator[Path]:
    """/proc, /dev/pts and /dev/shm in ``root``, plus each (host folder, path inside) bind; all undone on exit.

    NOTE: SIGTERM and SIGHUP (CI cancelling, a closed terminal) become SystemExit here, so the
    ``finally`` runs and the host's /tmp/.X11-unix or /proc stays no longer mounted in the chroot
    than the step that needs it. A SIGKILLed run leaves them: the next ``mounted`` on the same root
    undoes those first.
    """
    unmount_all(root)  # a killed earlier run's leftovers
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in previous:
        signal.signal(sig, leave)
    try:
        plan = [(["-t", "proc", "proc"], "proc"), (["-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts"], "dev/pts"),
                (["-t", "tmpfs", "-o", "mode=1777", "tmpfs"], "dev/shm")]
        plan += [(["--bind", str(host)], inside.lstrip("/")) for host, inside in binds]
        for args, inside in plan:
            point = root / inside
            point.mkdir(parents=True, exist_ok=True)
            subprocess.run(["mount", *args, str(point)], check=True)
        yield root
    finally:
        unmount_all(root)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(root: Path, command: Sequence[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """``command`` inside ``root`` (chroot), with the clean environment plus ``env``."""
    full = dict(CLEAN_ENV, **(env or {}))
    return subprocess.run(["chroot", str(root), "/usr/bin/env", "-i", *(f"{k}={v}" for k, v in full.items()), *command],
                          **kwargs)


def copy_resolv_conf(root: Path) -> None:
    """The host's resolver for apt and pip inside (debootstrap leaves the build machine's copy or none)."""
    target = root / "etc" / "resolv.conf"
    if target.is_symlink() or target.exists():
        target.unlink()
    shutil.copyfile("/etc/resolv.conf", target)


HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
CA_INSIDE = "/etc/ssl/host-ca-certificates.crt"


def trust_host_ca(root: Path) -> dict[str, str]:
    """The host's CA bundle copied in, and the environment that makes pip and Python's ssl use it.

    NOTE: where the build machine reaches PyPI through a TLS-inspecting proxy, its CA is in the host's
    bundle (update-ca-certificates) and not in bullseye's ca-certificates; trusting inside exactly what
    the host trusts keeps pip verifying certificates.
    """
    if not HOST_CA.is_file():
        return {}
    target = root / CA_INSIDE.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)  # a minbase root has no /etc/ssl before ca-certificates
    shutil.copyfile(HOST_CA, target)
    return {"PIP_CERT": CA_INSIDE, "SSL_CERT_FILE": CA_INSIDE}


def ensure_root() -> None:
    if os.geteuid() != 0:
        raise SystemExit("this step needs root (debootstrap, chroot, mount)")
    if shutil.which("debootstrap") is None:
        raise SystemExit("debootstrap is missing: apt-get install debootstrap (tools/system-deps.sh does)")
