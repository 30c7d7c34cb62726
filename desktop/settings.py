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
    # The hall database (issue 17, first-run set-up): "standalone" is SQLite in the data folder;
    # "server" a hall PostgreSQL server. Its password is never here (desktop.db_password).
    db_mode: str = "standalone"
    db_host: str = ""
    db_port: int = 5432
    db_name: str = "halldesk"
    db_user: str = ""
    printer_name: str = ""  # empty: the system's default printer, chosen in the print dialog

    def papers_dir(self) -> Path:
        return Path(self.output_dir) if self.output_dir else paths.data_dir() / "papers"

    def with_changes(self, **changes) -> Settings:
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
    errors.update(validate_server(settings))
    if not 1 <= settings.backup_every_hours <= 24:
        errors["backup_every_hours"] = "备份间隔应在1到24小时之间"
    return errors


_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,252}")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,62}")


def validate_server(settings: Settings) -> dict[str, str]:
    """The hall server's fields (only when the mode is "server")."""
    if settings.db_mode == "standalone":
        return {}
    if settings.db_mode != "server":
        return {"db_mode": "请选择单机或大厅服务器"}
    errors: dict[str, str] = {}
    if not _HOST.fullmatch(settings.db_host.strip()):
        errors["db_host"] = "请填写服务器地址，例如“192.168.1.10”或“hall-db”"
    if not 1 <= settings.db_port <= 65535:
        errors["db_port"] = "端口应在1到65535之间（PostgreSQL 默认为5432）"
    if not _IDENT.fullmatch(settings.db_name.strip()):
        errors["db_name"] = "数据库名只能包含字母、数字、下划线和“-”"
    if not _IDENT.fullmatch(settings.db_user.strip()):
        errors["db_user"] = "用户名只能包含字母、数字、下划线和“-”"
    return errors


def is_configured() -> bool:
    """True once a settings file exists (the first-run set-up writes it last)."""
    return settings_path().is_file()


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
