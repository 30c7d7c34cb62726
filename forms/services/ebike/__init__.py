"""电动自行车登记 (郑州市电动自行车管理条例): the six register services and their shared parts, one package."""

from __future__ import annotations

import importlib
from typing import Any

# The register's services, one module each; common/inspection/standard are their shared parts.
_SERVICES = ("registration", "transfer", "theft", "destroyed", "recovered", "plate")


def __getattr__(name: str) -> Any:
    # NOTE: SERVICES is built when forms.registry asks for it, so importing a shared part (common,
    # standard) does not load all six services and their rules.
    if name == "SERVICES":
        return [importlib.import_module(f"{__name__}.{module}").SERVICE for module in _SERVICES]
    raise AttributeError(name)
