"""Assessment latency per service (target: median ≤ 1 ms)."""

from __future__ import annotations

import statistics
import time
from datetime import date

from forms import registry
from forms.service import assess
from forms.workdays import default_calendar

TARGET_MS = 1.0


def run(repeat: int = 2000) -> list[dict]:
    today = date.today()
    calendar = default_calendar()
    results = []
    for service in registry.services().values():
        case = service.example(today)
        answers, materials, facts = case["answers"], case.get("materials", {}), case.get("facts", {})
        for _ in range(50):
            assess(service, answers, materials, today, facts, calendar)
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            assess(service, answers, materials, today, facts, calendar)
            samples.append((time.perf_counter() - t) * 1000)
        samples.sort()
        med, p95 = statistics.median(samples), samples[int(len(samples) * 0.95)]
        results.append({
            "name": f"审查 {service.name}", "median_ms": med, "p95_ms": p95, "target": TARGET_MS,
            "ok": med <= TARGET_MS, "line": f"median {med:.3f} ms, p95 {p95:.3f} ms (target median ≤ {TARGET_MS} ms)",
        })
    return results
