"""The services HallDesk offers: each one a module or package in forms/services (a package may offer several)."""

from __future__ import annotations

import importlib
import pkgutil

from forms.service import Service

_services: dict[str, Service] | None = None


def _discover() -> dict[str, Service]:
    # NOTE: adding a service means adding a module that defines SERVICE (or SERVICES); nothing
    # else in forms/ or desktop/ names the services.
    import forms.services as pkg

    found: dict[str, Service] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"forms.services.{info.name}")
        for service in getattr(module, "SERVICES", ()) or (
            [module.SERVICE] if hasattr(module, "SERVICE") else []
        ):
            if service.service_id in found:
                raise RuntimeError(f"duplicate service id {service.service_id}")
            found[service.service_id] = service
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def services() -> dict[str, Service]:
    global _services
    if _services is None:
        _services = _discover()
    return _services


def get(service_id: str) -> Service:
    try:
        return services()[service_id]
    except KeyError:
        raise KeyError(f"未知服务：{service_id}（可用：{', '.join(services())}）") from None


