"""Find, prepare and check the CJK TrueType font that screens and printed papers use (no Qt)."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from desktop import paths

FONT_FILE_NAME = "NotoSansSC-Regular.ttf"
FONT_FAMILY_PDF = "HallDeskCJK"
# NOTE: Regular is 400 on the wght axis; the variable font's default instance is Thin (100),
# which reportlab would embed as-is, so a static instance is cut once at set-up time.
REGULAR_WEIGHT = 400


# NOTE: the command that really prepares the font (this module's `prepare`); every message that
# tells the clerk how to get a font names it, and a test runs it.
PREPARE_COMMAND = "python -m desktop.fonts prepare"


class FontUnavailable(RuntimeError):
    """No usable CJK TrueType font was found; the message is for the clerk."""


@dataclass(frozen=True)
class FontChoice:
    path: Path
    origin: str  # "setting", "environment", "resources", "cache"


def repo_font_path() -> Path:
    return paths.resources_dir() / "fonts" / FONT_FILE_NAME


def cached_font_path() -> Path:
    return paths.data_dir() / "fonts" / FONT_FILE_NAME


def candidate_paths(override: str | None = None) -> list[FontChoice]:
    found: list[FontChoice] = []
    if override:
        found.append(FontChoice(Path(override), "setting"))
    env = os.environ.get("HALLDESK_FONT")
    if env:
        found.append(FontChoice(Path(env), "environment"))
    found.append(FontChoice(repo_font_path(), "resources"))
    found.append(FontChoice(cached_font_path(), "cache"))
    return found


def is_truetype_outline(path: Path) -> bool:
    """True for a TrueType-outline font (glyf table): reportlab cannot embed CFF outlines."""
    try:
        with path.open("rb") as fh:
            tag = fh.read(4)
    except OSError:
        return False
    if tag == b"\x00\x01\x00\x00" or tag == b"true":
        return True
    if tag == b"ttcf":
        # A collection: accept only when its first font has TrueType outlines.
        try:
            from fontTools.ttLib import TTCollection  # optional at run time

            return "glyf" in TTCollection(str(path)).fonts[0]
        except Exception:
            return False
    return False  # "OTTO" is CFF


def find_font(override: str | None = None) -> FontChoice:
    """The first usable font; raises FontUnavailable with a plain Chinese message."""
    tried: list[str] = []
    for choice in candidate_paths(override):
        if choice.path.is_file() and is_truetype_outline(choice.path):
            return choice
        tried.append(str(choice.path))
    raise FontUnavailable(
        "找不到可用的中文字体（需要 TrueType 轮廓的 .ttf 字体）。"
        f"请在 HallDesk 的程序目录运行“make setup”或“{PREPARE_COMMAND}”准备字体，"
        "或在“设置”中指定字体文件（例如 Windows 的 simsun.ttc）。\n已查找：\n" + "\n".join(tried)
    )


def variable_source() -> Path:
    """The variable Noto Sans SC shipped by the PyPI package justmytype-intl-cjk."""
    try:
        import justmytype_intl_cjk
    except ImportError as exc:  # pragma: no cover - set-up installs it
        raise FontUnavailable("未安装字体包 justmytype-intl-cjk，无法准备中文字体。") from exc
    root = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    for path in sorted(root.glob("*.ttf")):
        return path
    raise FontUnavailable(f"字体包中没有 Noto Sans SC：{root}")


def prepare(out: Path) -> Path:
    """Cut a static Regular instance from the variable font and write it to ``out``."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    var = TTFont(str(variable_source()))
    static = instancer.instantiateVariableFont(var, {"wght": REGULAR_WEIGHT}, updateFontNames=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    static.save(str(tmp))
    tmp.replace(out)  # never leave a half-written font behind
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.fonts")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="make the static Regular CJK font")
    p.add_argument("--out", type=Path, default=None)
    sub.add_parser("which", help="print the font HallDesk would use")
    args = parser.parse_args(argv)
    if args.cmd == "prepare":
        out = args.out or cached_font_path()
        print(f"正在准备字体 {out} …", file=sys.stderr)
        try:
            prepare(out)
        except FontUnavailable as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"错误：无法写入字体文件 {out}：{exc.strerror}", file=sys.stderr)
            return 1
        print(out)
        return 0
    try:
        print(find_font().path)
    except FontUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
