"""CI: install the .deb on a fresh minimal Debian 11 (glibc 2.31) with apt, run it there on the host's X display, check its papers.

    python packaging/linux/check_bullseye.py build/halldesk_<version>_amd64.deb [--root build/check-bullseye]

Runs as root. Debian 11 is the oldest release this machine reaches and has 银河麒麟 V10's glibc: the
world the release package is for. ``debootstrap --variant=minbase bullseye`` makes a new root each
time (sources: bullseye main alone, so Depends must resolve from the release itself);
``apt-get install ./halldesk_….deb`` installs it and what it depends on; the INSTALLED
``/usr/bin/hall-desk selftest`` runs inside on an Xvfb + openbox display started on the host (its
/tmp/.X11-unix bound into the root; the launcher's xcb platform); its papers and its database are
checked with check_installed.py's own checks. Every mount is undone and the root deleted at the end,
also when a step fails. Exit 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import check_installed  # noqa: E402  (its checks, and tests/support on the path)
import chroot  # noqa: E402
from check_installed import check  # noqa: E402
from xdisplay import XDisplay  # noqa: E402

SUITE = chroot.RELEASE_SUITE
HOME = "/home/clerk"  # the clerk's account inside; data lands in its default folders


def inside(root: Path, path: str) -> str:
    """A path the program reported (inside the chroot) as the host sees it."""
    return str(root / path.lstrip("/"))


def host_report(root: Path, report: dict) -> dict:
    """The self-test's report with its paths made host paths, for check_installed.check_papers."""
    report = dict(report, data_dir=inside(root, report["data_dir"]),
                  printed=[inside(root, p) for p in report["printed"]])
    report["cases"] = [dict(c, paper=inside(root, c["paper"]) if c["paper"] else c["paper"]) for c in report["cases"]]
    return report


def check_in(root: Path, deb: Path) -> None:
    target = Path("/tmp") / deb.name
    shutil.copyfile(deb, root / target.relative_to("/"))
    glibc = chroot.run(root, ["ldd", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    check("2.31" in glibc, f"the root is Debian 11: {glibc}")
    display = XDisplay(1366, 768).start()
    try:
        # NOTE: apt inside the mounts too: the maintainer scripts of what it pulls in expect /proc.
        with chroot.mounted(root, binds=[(Path("/tmp/.X11-unix"), "/tmp/.X11-unix")]):
            started = time.monotonic()
            apt = chroot.run(root, ["sh", "-c", "apt-get update -qq && apt-get install -y -qq "
                                    f"--no-install-recommends {target}"], capture_output=True, text=True)
            check(apt.returncode == 0, f"apt-get install {target.name} on {SUITE} "
                                       f"({time.monotonic() - started:.0f} s): {apt.stderr[-1500:]}")
            if apt.returncode != 0:
                return
            depends = chroot.run(root, ["dpkg-query", "-W", "-f=${Depends}", "halldesk"],
                                 capture_output=True, text=True).stdout
            print(f"Depends: {depends}", flush=True)
            # NOTE: every ELF file of the bundle, not only what the self-test loads: a library or a
            # GLIBC_/GLIBCXX_ version bullseye lacks shows as "not found" in ldd.
            ldd = chroot.run(root, ["sh", "-c", "find /opt/halldesk -type f \\( -name '*.so*' -o -name hall-desk \\) "
                                    "-exec ldd {} + 2>&1"], capture_output=True, text=True,
                             env={"LD_LIBRARY_PATH": "/opt/halldesk/_internal"}).stdout
            unresolved = sorted({line.strip() for line in ldd.splitlines() if "not found" in line})
            check(not unresolved, f"ldd of every ELF file in /opt/halldesk on {SUITE}: "
                                  f"{'; '.join(unresolved[:10]) or 'every library and symbol version resolved'}")
            chroot.run(root, ["mkdir", "-p", HOME], check=True)
            started = time.monotonic()
            run = chroot.run(root, ["/usr/bin/hall-desk", "selftest", "--out", "/tmp/selftest"],
                             env={"HOME": HOME, "DISPLAY": display.display or ""},
                             capture_output=True, text=True, timeout=600)
            took = time.monotonic() - started
    finally:
        display.stop()
    print(run.stdout.strip(), flush=True)
    check(run.returncode == 0, f"installed hall-desk selftest on {SUITE} exits 0 ({took:.1f} s): {run.stderr[-2000:]}")
    for marker in ("qt.qpa", "Could not load the Qt platform plugin", "Traceback"):
        check(marker not in run.stderr, f"no “{marker}” on stderr")
    out = root / "tmp" / "selftest" / "selftest.json"
    if not check(out.is_file(), "the self-test wrote selftest.json"):
        return
    report = host_report(root, json.loads(out.read_text(encoding="utf-8")))
    check_installed.SERVICES = len(report.get("services", []))
    check(check_installed.SERVICES >= 6, f"the self-test planned {check_installed.SERVICES} services")
    check(report["data_dir"] == inside(root, f"{HOME}/.local/share/HallDesk"), "the data went to the default folder")
    check(len(report["cases"]) == check_installed.SERVICES
          and all(c["status"] in ("accepted", "issued") for c in report["cases"]),
          f"{len(report['cases'])} cases accepted: {', '.join(c['case_no'] for c in report['cases'])}")
    check_installed.check_papers(report)
    check_installed.check_data(Path(report["data_dir"]), Path(inside(root, f"{HOME}/.config/HallDesk")), SUITE)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="check_bullseye.py")
    parser.add_argument("deb", type=Path)
    parser.add_argument("--root", type=Path, default=ROOT / "build" / f"check-{SUITE}")
    args = parser.parse_args(argv)
    chroot.ensure_root()
    deb, root = args.deb.resolve(), args.root.resolve()
    check(deb.is_file(), f"package {deb.name} ({deb.stat().st_size / 1e6:.1f} MB)")
    chroot.remove_root(root)
    started = time.monotonic()
    chroot.debootstrap(root, SUITE, variant="minbase")
    print(f"debootstrap --variant=minbase {SUITE}: {time.monotonic() - started:.0f} s", flush=True)
    try:
        chroot.copy_resolv_conf(root)
        check_in(root, deb)
    finally:
        chroot.remove_root(root)
    problems = check_installed.PROBLEMS
    print(f"{SUITE}: {'all checks passed' if not problems else f'{len(problems)} checks failed'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
