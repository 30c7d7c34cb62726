"""Wrap the PyInstaller bundle (build/dist/halldesk) into halldesk_<version>_amd64.deb, checking its Depends.

    python packaging/linux/build_deb.py [--dist build/dist/halldesk] [--out build]

The package installs the bundle under /opt/halldesk, the launcher /usr/bin/hall-desk, the menu entry
and icons, and the font's licence under /usr/share/doc/halldesk. Before building it reads every ELF
file of the bundle (readelf), finds the libraries the bundle does not ship, maps each to the Debian
package that provides it (ldconfig, dpkg -S) and refuses to build when packaging/linux/depends.txt
lacks one; libc6's version floor is the newest GLIBC_ symbol version the bundle references.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from desktop import __version__  # noqa: E402

ELF_MAGIC = b"\x7fELF"
GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")
# Provided by libc6 itself (not in ldconfig under their own package otherwise).
LIBC_FAMILY = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libresolv.so.2",
               "libutil.so.1", "ld-linux-x86-64.so.2"}


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def glibc_floor(files: list[Path]) -> tuple[int, ...]:
    newest = (2, 17)
    for path in files:
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        for match in GLIBC.finditer(out):
            version = tuple(int(g) for g in match.groups() if g is not None)
            newest = max(newest, version)
    return newest


def system_library(name: str) -> str | None:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.strip().split(" => ")
        if len(parts) == 2 and parts[0].split(" ")[0] == name and "x86-64" in parts[0]:
            return parts[1]
    return None


def package_of(path: str) -> str | None:
    for candidate in (path, os.path.realpath(path)):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
        # /lib is a symlink to /usr/lib on merged-/usr systems; dpkg knows one of the two spellings.
        alt = candidate.replace("/usr/lib/", "/lib/", 1) if candidate.startswith("/usr/lib/") else \
            candidate.replace("/lib/", "/usr/lib/", 1)
        result = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


def declared_depends() -> list[str]:
    lines = (HERE / "depends.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def check_depends(dist: Path) -> tuple[list[str], dict[str, list[str]], tuple[int, ...]]:
    """The Depends entries, what each system library the bundle needs maps to, and the glibc floor."""
    files = elf_files(dist)
    shipped = {p.name for p in dist.rglob("*") if p.is_file() or p.is_symlink()}
    wanted: dict[str, set[str]] = {}
    for path in files:
        for lib in needed(path):
            if lib not in shipped:
                wanted.setdefault(lib, set()).add(str(path.relative_to(dist)))
    declared = declared_depends()
    alternatives = {name.strip().split(" ")[0] for entry in declared for name in entry.split("|")}
    mapping: dict[str, list[str]] = {}
    missing = []
    for lib in sorted(wanted):
        if lib in LIBC_FAMILY:
            mapping.setdefault("libc6", []).append(lib)
            continue
        where = system_library(lib)
        package = package_of(where) if where else None
        if package is None:
            missing.append(f"{lib} (needed by {sorted(wanted[lib])[0]}): not found on the build machine")
            continue
        package = package.split(":")[0]
        mapping.setdefault(package, []).append(lib)
        if package not in alternatives:
            missing.append(f"{lib} (needed by {sorted(wanted[lib])[0]}) comes from {package}, "
                           f"which packaging/linux/depends.txt does not list")
    if missing:
        raise SystemExit("Depends is incomplete:\n  " + "\n  ".join(missing))
    unused = [e for e in declared if not any(n.strip() in mapping for n in e.split("|"))]
    if unused:
        print(f"note: depends.txt lists packages nothing in the bundle links directly: {', '.join(unused)}",
              file=sys.stderr)
    return declared, mapping, glibc_floor(files)


def stage(dist: Path, work: Path, depends: list[str], floor: tuple[int, ...]) -> Path:
    root = work / f"halldesk_{__version__}_amd64"
    if root.exists():
        shutil.rmtree(root)
    opt = root / "opt" / "halldesk"
    shutil.copytree(dist, opt, symlinks=True)
    # NOTE: Alembic imports the migration scripts from source; their bytecode is compiled now, by
    # the same Python the bundle carries, because /opt is not writable when the clerk's program runs.
    compileall.compile_dir(str(opt / "_internal" / "desktop" / "store" / "migrations"), quiet=1)
    install = [
        (HERE / "hall-desk.sh", root / "usr" / "bin" / "hall-desk", 0o755),
        (HERE / "halldesk.desktop", root / "usr" / "share" / "applications" / "halldesk.desktop", 0o644),
        (ROOT / "packaging" / "icons" / "halldesk.png",
         root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "halldesk.png", 0o644),
        (ROOT / "packaging" / "icons" / "halldesk.svg",
         root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "halldesk.svg", 0o644),
        (ROOT / "resources" / "fonts" / "OFL.txt", root / "usr" / "share" / "doc" / "halldesk" / "OFL-NotoSansSC.txt",
         0o644),
        (HERE / "copyright", root / "usr" / "share" / "doc" / "halldesk" / "copyright", 0o644),
    ]
    for source, target, mode in install:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, mode)
    debian = root / "DEBIAN"
    debian.mkdir()
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    entries = [f"libc6 (>= {'.'.join(map(str, floor))})" if e == "libc6" else e for e in depends]
    control = (HERE / "control.in").read_text(encoding="utf-8")
    control = control.replace("@VERSION@", __version__).replace("@INSTALLED_SIZE@", str(size_kib))
    control = control.replace("@DEPENDS@", ", ".join(entries))
    (debian / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        shutil.copyfile(HERE / script, debian / script)
        os.chmod(debian / script, 0o755)
    for folder in [root, *root.rglob("*")]:
        if folder.is_dir():
            os.chmod(folder, 0o755)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_deb.py")
    parser.add_argument("--dist", type=Path, default=ROOT / "build" / "dist" / "halldesk")
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    if not (args.dist / "hall-desk").is_file():
        raise SystemExit(f"{args.dist}/hall-desk is missing: run pyinstaller packaging/halldesk.spec first")
    depends, mapping, floor = check_depends(args.dist)
    root = stage(args.dist, args.out / "deb", depends, floor)
    deb = args.out / f"halldesk_{__version__}_amd64.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", "-Zxz", str(root), str(deb)], check=True)
    print(f"{deb} ({deb.stat().st_size / 1e6:.1f} MB; installed {sum(1 for _ in root.rglob('*'))} files; "
          f"glibc >= {'.'.join(map(str, floor))})")
    for package, libs in sorted(mapping.items()):
        print(f"  {package}: {' '.join(sorted(libs))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
