"""The release .deb, frozen in a Debian 11 (bullseye, glibc 2.31) chroot so it installs on 银河麒麟 V10 and later.

    python packaging/linux/build_release.py [--out build] [--cache build/chroot]

Runs as root. The build root (debootstrap bullseye, bullseye-security; SQLite 3.40.1 and CPython
3.11.2 built from Debian 12's orig tarballs by packaging/linux/build_root.sh; a venv with
requirements.lock from PyPI) is kept under ``--cache``/bullseye-<hash of the recipe>, so the next
build reuses it; a clean clone builds it (≈ 15 min here). Then this checkout's program, parameters,
font and packaging are copied in, and packaging/halldesk.spec and build_deb.py run INSIDE it: the
bundle carries bullseye's libraries and build_deb.py computes Depends and the glibc floor there.
The .deb lands in ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import chroot  # noqa: E402

SUITE = chroot.RELEASE_SUITE
# NOTE: Debian's pool, not python.org: the one source the machine reaches either way; the sums are
# those of bookworm's Sources index (python3.11 3.11.2-6+deb12u8, sqlite3 3.40.1-2+deb12u2). Only the
# upstream (orig) tarballs: Debian's own patches to them (security fixes since) are NOT applied.
TARBALLS = {
    "python3.11_3.11.2.orig.tar.gz": ("p/python3.11", "2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849"),
    "sqlite3_3.40.1.orig.tar.xz": ("s/sqlite3", "aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655"),
}
RECIPE = [HERE / "build_root.sh", ROOT / "requirements.lock", HERE / "release-pins.txt", HERE / "depends.txt"]
# What of this checkout the spec and build_deb.py read (the frozen program is desktop/ and forms/).
SOURCES = ("desktop", "forms", "resources", "packaging", "pyproject.toml")
VENV_PY = "/opt/build-venv/bin/python"


def recipe_key() -> str:
    digest = hashlib.sha256(f"{SUITE} {chroot.MIRROR} {sorted(TARBALLS.items())}".encode())
    for path in RECIPE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fetch(name: str, folder: Path) -> Path:
    pool, sha256 = TARBALLS[name]
    target = folder / name
    if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256):
        folder.mkdir(parents=True, exist_ok=True)
        urllib.request.urlretrieve(f"{chroot.MIRROR}/pool/main/{pool}/{name}", target)
        got = hashlib.sha256(target.read_bytes()).hexdigest()
        if got != sha256:
            target.unlink()
            raise SystemExit(f"{name}: sha256 {got}, expected {sha256}")
    return target


def build_root(cache: Path) -> Path:
    """The cached bullseye build root for this recipe, made first when it is not there."""
    root = cache / f"{SUITE}-{recipe_key()}"
    if (root / ".ready").is_file():
        print(f"build root: {root} (cached)", flush=True)
        return root
    making = root.with_name(root.name + ".making")
    chroot.remove_root(making)
    print(f"build root: debootstrap {SUITE} into {making}", flush=True)
    chroot.debootstrap(making, SUITE, security=True)
    chroot.copy_resolv_conf(making)
    recipe = making / "tmp" / "recipe"
    recipe.mkdir(parents=True)
    for name in TARBALLS:
        shutil.copyfile(fetch(name, cache / "downloads"), recipe / name)
    for path in RECIPE:
        shutil.copyfile(path, recipe / path.name)
    with chroot.mounted(making):
        chroot.run(making, ["sh", "-x", "/tmp/recipe/build_root.sh"], env=chroot.trust_host_ca(making), check=True)
    shutil.rmtree(recipe)
    (making / ".ready").write_text(recipe_key() + "\n", encoding="utf-8")
    for stale in cache.glob(f"{SUITE}-*"):  # an older recipe's root: gigabytes nobody reuses
        if stale.is_dir() and stale != making:
            chroot.remove_root(stale)
    making.rename(root)
    return root


def freeze(root: Path, out: Path) -> Path:
    """Copy this checkout into the root, run the spec and build_deb.py there, return the .deb copied to ``out``."""
    src = root / "src"
    chroot.remove_root(src)
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copyfile(path, src / name)
    if not (src / "resources" / "fonts" / "NotoSansSC-Regular.ttf").is_file():
        raise SystemExit("resources/fonts/NotoSansSC-Regular.ttf is missing: `make setup` prepares it")
    chroot.copy_resolv_conf(root)
    with chroot.mounted(root):
        # NOTE: --clean and a fresh /src each time: nothing of an earlier build's analysis is reused.
        chroot.run(root, ["sh", "-c", f"cd /src && {VENV_PY} -m PyInstaller --noconfirm --clean --log-level WARN "
                          "--distpath build/dist --workpath build/work packaging/halldesk.spec && "
                          f"{VENV_PY} packaging/linux/build_deb.py --dist build/dist/halldesk --out build"],
                   check=True)
    debs = sorted((src / "build").glob("halldesk_*_amd64.deb"))
    if len(debs) != 1:
        raise SystemExit(f"expected one .deb in {src / 'build'}, found {debs}")
    out.mkdir(parents=True, exist_ok=True)
    target = out / debs[0].name
    shutil.copyfile(debs[0], target)
    shutil.rmtree(src)  # NOTE: the bundle and its work folder (≈ 1 GB) are not worth keeping in the cache
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_release.py")
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "chroot")
    args = parser.parse_args(argv)
    chroot.ensure_root()
    root = build_root(args.cache.resolve())
    deb = freeze(root, args.out.resolve())
    print(f"release package (built on Debian 11 {SUITE}): {deb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
