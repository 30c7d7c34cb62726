"""The window's settings (hall name, window number, PDF folder, font), a JSON file in the config folder."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from desktop import paths
from desktop.store.errors import EnvironmentFailure

FILE_NAME = "settings.json"
# A landline with its area code (0371-67188888, (0371)67188888), a mobile or a 12345-style hotline.
_PHONE = re.compile(r"[0-9()（）\-]{5,20}")


@dataclass(frozen=True)
class Settings:
    hall_name: str = "郑州市政务服务中心"
    window_no: str = "01"
    output_dir: str = ""  # empty: <data folder>/papers
    font_path: str = ""  # empty: the prepared Noto Sans SC
    idle_lock_minutes: int = 10
    backup_dir: str = ""  # empty: no scheduled backups (a USB stick or a network share the administrator picks)
    backup_keep: int = 10  # how many backups of this database the folder keeps
    backup_every_hours: int = 4  # a running session backs up this often, and at exit
    hall_address: str = ""  # the hall's address and phone, on every paper (issue 14)
    hall_phone: str = ""

    def papers_dir(self) -> Path:
        return Path(self.output_dir) if self.output_dir else paths.data_dir() / "papers"

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **changes)


def validate(settings: Settings) -> dict[str, str]:
    """Field key -> Chinese message for every bad value."""
    errors: dict[str, str] = {}
    if not settings.hall_name.strip():
        errors["hall_name"] = "请填写大厅名称"
    if not (settings.window_no.isdigit() and 1 <= int(settings.window_no) <= 99):
        errors["window_no"] = "窗口号应为1到99之间的数字"
    if len(settings.hall_address.strip()) > 60:
        errors["hall_address"] = "大厅地址不超过60个字"
    phone = settings.hall_phone.strip()
    if phone and not _PHONE.fullmatch(phone):
        errors["hall_phone"] = "联系电话只能包含数字、“-”和括号，例如“0371-67188888”"
    if settings.font_path and not Path(settings.font_path).is_file():
        errors["font_path"] = "字体文件不存在"
    if not 1 <= settings.idle_lock_minutes <= 240:
        errors["idle_lock_minutes"] = "自动锁定时间应在1到240分钟之间"
    if not 1 <= settings.backup_keep <= 365:
        errors["backup_keep"] = "备份保留份数应在1到365之间"
    if not 1 <= settings.backup_every_hours <= 24:
        errors["backup_every_hours"] = "备份间隔应在1到24小时之间"
    return errors


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def load() -> Settings:
    path = settings_path()
    if not path.is_file():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()  # a damaged settings file must not stop the hall: defaults, re-saved later
    known = {k: v for k, v in raw.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)


def save(settings: Settings) -> None:
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise EnvironmentFailure(f"无法保存设置到 {path}：{exc.strerror}") from exc
