"""A hall of windows on one PostgreSQL: 1, 10 and 30 processes signing in and accepting real cases with their papers.

Every window is its own process (spawn), with its own clerk account, window number and engine, as
the PCs of a hall are. It signs in through ``accounts.sign_in`` and accepts cases through
``intake.accept`` (assessment, case number, hooks, papers rendered and written, audit), back to back
("saturated": what the hall can do at most) or with a think time between cases ("paced": a hall
working below its ceiling). Per accept it records the wall time, the process's CPU time and every
hall-wide serialised section (``desktop.store.hall_section``); the server's CPU comes from /proc.
At the end: duplicate case and plate numbers, every paper's file against its registered SHA-256, and
the audit chain's verification. `make bench-hall` (BENCH_HALL_ARGS="--seconds 30 --windows 1,10,30").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-pass-1"
HALL = "郑州市金水区政务服务中心"
# NOTE: the mix of a busy morning: most cases are 居住证, then first e-bike registrations (two
# papers each and a plate from the pool), then subsidy claims.
MIX = (("residence_permit", 0.5), ("ebike_registration", 0.3), ("startup_subsidy", 0.2))
# NOTE: the busiest morning (issue 15: "what a hall of 30 windows would feel"): every window busy
# from opening, each accepting a case on average every 30 s — faster than any clerk really can:
# the applicant sits down, hands over the ID card and materials, the clerk checks the originals,
# reads the card and types the rest, the receipt prints and is signed (minutes for a first e-bike
# registration or a subsidy claim; ≈ 1 min for the simplest 居住证 with everything read from the
# card). Exponential gaps, so several windows press 受理 within the same few milliseconds.
MORNING = "busiest morning"
MORNING_WINDOWS = 30
MORNING_CASE_S = 30.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- the window (a child process) -----------------------------------------------------------------

@dataclass
class WindowResult:
    window: str
    accepts: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    # per accept, where its wall time went (issue 15: why a slow accept was slow; see _Waits)
    runq_ms: list[float] = field(default_factory=list)
    fsync_ms: list[float] = field(default_factory=list)
    lock_ms: list[float] = field(default_factory=list)
    gc_ms: list[float] = field(default_factory=list)
    # each hall-wide section: [its locks joined by "+", ms held, the slow operations run inside it]
    sections: list[list] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sign_in_ms: float = 0.0
    case_nos: list[str] = field(default_factory=list)


def _answers(people, service_id: str, day):
    from forms import registry

    service = registry.get(service_id)
    example = service.example(day)
    answers = dict(example["answers"])
    answers[service.name_key] = people.name()
    answers[service.id_key] = people.id_number(people.birth(22, 60, day))
    answers[service.phone_key] = people.phone()
    if service_id == "ebike_registration":
        brand, model = people.brand()
        answers.update(frame_no=people.frame_no(), brand=brand, model=model, colour=people.colour(),
                       motor_no=people.motor_no(), owner_address=people.address())
    if service_id == "startup_subsidy":
        answers.update(business_uscc=people.uscc(), business_name=people.business_name(answers["name"]))
    return answers, dict(example["materials"])


class _Waits:
    """What one window process waited for, as running totals (ms): the CPU's run queue, fsync, the
    audit chain's lock with the head's round trip (each of these two less the run queue inside it),
    and the garbage collector's pauses (CPU time, part of the accept's CPU).

    NOTE: measurement only, around the real calls: the run queue from the kernel's schedstat (time
    this process was runnable but not running), ``os.fsync`` and ``audit.lock_and_read_head`` / ``audit.place_and_commit`` timed
    through wrappers that call the originals, the collector through ``gc.callbacks``."""

    def __init__(self) -> None:
        import gc

        from desktop.store import audit

        self.fsync = self.lock = self.gc = 0.0
        self._gc_start = 0.0
        real_fsync, real_lock, real_place = os.fsync, audit.lock_and_read_head, audit.place_and_commit

        # NOTE: each wait less the run-queue time inside it (woken, then waiting for a core), which
        # is counted once, as the run queue's.
        def fsync(fd):
            t, q = time.perf_counter(), self.runq()
            try:
                return real_fsync(fd)
            finally:
                self.fsync += (time.perf_counter() - t) * 1000 - (self.runq() - q)

        def chain_timed(real):  # NOTE: the chain's lock with its exchange (v2 rows: the one message)
            def wrapper(*args, **kwargs):
                t, q = time.perf_counter(), self.runq()
                try:
                    return real(*args, **kwargs)
                finally:
                    self.lock += (time.perf_counter() - t) * 1000 - (self.runq() - q)
            return wrapper

        def collected(phase, _info):
            if phase == "start":
                self._gc_start = time.perf_counter()
            else:
                self.gc += (time.perf_counter() - self._gc_start) * 1000

        os.fsync = fsync
        audit.lock_and_read_head = chain_timed(real_lock)
        audit.place_and_commit = chain_timed(real_place)
        gc.callbacks.append(collected)

    @staticmethod
    def runq() -> float:
        try:
            return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e6
        except (OSError, IndexError, ValueError):  # pragma: no cover - a kernel without schedstat
            return float("nan")

    def totals(self) -> tuple[float, float, float, float]:
        return self.runq(), self.fsync, self.lock, self.gc


def window_main(url: str, data_dir: str, papers: str, window: str, username: str, seconds: float,
                think: float, seed: int, barrier, out, arrivals: bool = False, done=None) -> None:
    """One window: open the hall, sign in, warm up with one case, then accept until ``seconds`` have passed."""
    os.environ["HALLDESK_DATA_DIR"] = data_dir
    result = WindowResult(window)
    try:
        from desktop import paths

        paths.set_data_dir(data_dir)
        from desktop.cases import accounts, intake
        from desktop.cases.dto import Actor
        from desktop.cases.hall_context import HallContext
        from desktop.demo.people import People
        from desktop.fonts import find_font
        from desktop.store import hall_section
        from desktop.store.database import open_database

        db = open_database(url)
        font = str(find_font().path)
        t = time.perf_counter()
        account = accounts.sign_in(db, username, PASSWORD, window)
        result.sign_in_ms = (time.perf_counter() - t) * 1000
        actor = Actor(account, window, HALL, "郑州市金水区花园路1号", "0371-12345678")
        people = People(seed=seed)
        rng = random.Random(seed)
        services = [s for s, _ in MIX]
        weights = [w for _, w in MIX]
        papers_dir = Path(papers)

        def one(service_id: str) -> None:
            now = datetime.now()
            answers, materials = _answers(people, service_id, now.date())
            got = intake.accept(HallContext(db, actor, papers_dir, font), service_id, answers, materials, now=now)
            result.case_nos.append(got.case.case_no)

        for service_id in services:  # warm: reportlab, the font, every service's first case
            one(service_id)
        result.case_nos.clear()
        waits = _Waits()
    except Exception:  # noqa: BLE001 - reported to the parent, which prints it
        result.errors.append("set-up: " + traceback.format_exc())
        barrier.abort()
        out.put(asdict(result))
        return
    try:
        barrier.wait(timeout=600)
    except Exception:  # noqa: BLE001
        result.errors.append("barrier broken")
        out.put(asdict(result))
        return
    end = time.monotonic() + seconds
    with hall_section.Recorder() as recorder:
        while time.monotonic() < end:
            if arrivals:
                # NOTE: the busiest morning: the clerk presses 受理 after the applicant's time at the
                # window (exponential, so windows collide), from the run's first second on.
                gap = rng.expovariate(1 / think)
                if time.monotonic() + gap >= end:
                    break  # NOTE: the next applicant would come after the run: none is waited for
                time.sleep(gap)
            service_id = rng.choices(services, weights)[0]
            w0 = waits.totals()
            c0, t0 = time.process_time(), time.perf_counter()
            try:
                one(service_id)
            except Exception as exc:  # noqa: BLE001 - an error is a result here, counted and shown
                result.errors.append(f"{service_id}: {type(exc).__name__}: {exc}"[:300])
                continue
            finally:
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                result.cpu_ms.append((time.process_time() - c0) * 1000)
                w1 = waits.totals()
                for name, a, b in zip(("runq_ms", "fsync_ms", "lock_ms", "gc_ms"), w0, w1, strict=True):
                    getattr(result, name).append(b - a)
            result.accepts += 1
            if think and not arrivals:
                time.sleep(rng.expovariate(1 / think))  # a clerk's next applicant sits down
    for section in recorder.sections:
        result.sections.append(["+".join(sorted(set(section.locks))), section.held_ms, sorted(set(section.operations))])
    out.put(asdict(result))
    if done is not None:
        # NOTE: the connection stays open until the parent has read the server's CPU: a backend
        # that exits in between would take its CPU time out of the count before it is reaped.
        done.wait(timeout=600)
    db.close()


# --- the server's CPU -----------------------------------------------------------------------------

def _ticks(pid: int, children_too: bool = False) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # after the ")": state is fields[0]; utime, stime, cutime, cstime are stat fields 14-17
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children_too else 0)


def server_cpu_s(postmaster: int) -> float:
    """CPU seconds of the PostgreSQL server: the postmaster, its live children and those it reaped."""
    total = _ticks(postmaster, children_too=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == postmaster:
                total += _ticks(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


# --- one round and the whole run ------------------------------------------------------------------

@dataclass
class Round:
    mode: str
    windows: int
    seconds: float
    think_s: float
    accepts: int
    throughput: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    section_p95_ms: float
    section_max_ms: float
    sections: int
    sections_with_work: int
    section_locks: dict
    client_cpu_ms: float
    server_cpu_ms: float
    ceiling: float
    errors: int
    first_errors: list
    load_before: tuple
    load_after: tuple
    sign_in_p95_ms: float
    # mean ms per accept of wall, CPU, run queue, fsync, chain lock + head, GC: all accepts / the slowest 5 %
    waits_all: dict = field(default_factory=dict)
    waits_slowest: dict = field(default_factory=dict)


def run_round(ctx, hall: dict, windows: int, seconds: float, think: float, mode: str, seed: int,
              arrivals: bool = False) -> Round:
    barrier = ctx.Barrier(windows + 1)
    out = ctx.Queue()
    done = ctx.Event()
    procs = []
    for i in range(windows):
        window = f"{i + 1:02d}"
        p = ctx.Process(target=window_main, args=(hall["url"], hall["data_dir"], hall["papers"], window,
                                                  f"clerk{window}", seconds, think, seed * 1000 + i, barrier, out,
                                                  arrivals, done))
        p.start()
        procs.append(p)
    barrier.wait(timeout=900)
    load_before = os.getloadavg()
    cpu0, t0 = server_cpu_s(hall["postmaster"]), time.perf_counter()
    results = [out.get(timeout=seconds + 600) for _ in procs]
    wall = time.perf_counter() - t0
    server = server_cpu_s(hall["postmaster"]) - cpu0
    load_after = os.getloadavg()
    done.set()
    for p in procs:
        p.join(timeout=60)
    lat = [x for r in results for x in r["latencies_ms"]]
    cpu = [x for r in results for x in r["cpu_ms"]]
    every = [x for r in results for x in r["sections"]]
    sections = [ms for _, ms, _ in every]
    locks: dict[str, dict] = {}
    for kind in sorted({k for k, _, _ in every}):
        held = [ms for k, ms, _ in every if k == kind]
        locks[kind] = {"n": len(held), "p95_ms": round(_pct(held, .95), 2), "max_ms": round(max(held), 2),
                       "with_work": sum(1 for k, _, ops in every if k == kind and ops)}
    accepts = sum(r["accepts"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    client = statistics.mean(cpu) if cpu else float("nan")
    server_ms = server * 1000 / accepts if accepts else float("nan")
    per_accept = (client + server_ms) / 1000
    hall.setdefault("case_nos", []).extend(n for r in results for n in r["case_nos"])
    parts = ("latencies_ms", "cpu_ms", "runq_ms", "fsync_ms", "lock_ms", "gc_ms")
    each = [row for r in results for row in zip(*(r[k] for k in parts), strict=True)]
    cut = _pct([row[0] for row in each], .95)
    waits_all, waits_slowest = _mean_parts(each), _mean_parts([row for row in each if row[0] >= cut])
    return Round(mode, windows, round(wall, 1), think, accepts, accepts / wall, _pct(lat, .5), _pct(lat, .95),
                 max(lat, default=float("nan")), _pct(sections, .95), max(sections, default=float("nan")),
                 len(sections), sum(1 for _, _, ops in every if ops), locks, client, server_ms,
                 (os.cpu_count() or 1) / per_accept if accepts else float("nan"), len(errors), errors[:3],
                 tuple(round(x, 2) for x in load_before), tuple(round(x, 2) for x in load_after),
                 _pct([r["sign_in_ms"] for r in results], .95), waits_all, waits_slowest)


def _mean_parts(rows: list[tuple]) -> dict:
    names = ("wall", "cpu", "runq", "fsync", "lock", "gc")
    if not rows:
        return {}
    return {n: round(statistics.mean(row[i] for row in rows), 2) for i, n in enumerate(names)} | {"n": len(rows)}


def integrity(url: str, papers: Path) -> dict:
    """Duplicates, papers on disk against the register, and the audit chain."""
    from sqlalchemy import func, select

    from desktop.cases.services.ebike.models import EbikeRegistration
    from desktop.store import audit
    from desktop.store.database import open_database
    from desktop.store.models import Case, Document

    db = open_database(url)
    try:
        with db.read() as s:
            dup_cases = s.execute(select(Case.case_no).where(Case.case_no.is_not(None)).group_by(Case.case_no)
                                  .having(func.count() > 1)).scalars().all()
            dup_plates = s.execute(select(EbikeRegistration.plate_no).where(EbikeRegistration.plate_no.is_not(None))
                                   .group_by(EbikeRegistration.plate_no).having(func.count() > 1)).scalars().all()
            cases = s.scalar(select(func.count(Case.id)))
            docs = s.execute(select(Case.case_no, Document.kind, Document.copy_no, Document.sha256)
                             .join(Case, Case.id == Document.case_id)).all()
        bad_files = 0
        for case_no, kind, copy_no, sha in docs:
            path = papers / f"{case_no}-{kind}-{copy_no}.pdf"
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                bad_files += 1
        with db.read() as s:
            check = audit.check(s)
        return {"cases": cases, "papers": len(docs), "duplicate_case_nos": len(dup_cases),
                "duplicate_plates": len(dup_plates), "papers_missing_or_differing": bad_files,
                "audit_intact": check.intact, "audit_rows": check.rows, "audit_first_broken": check.first_broken_seq}
    finally:
        db.close()


def set_up_hall(root: Path, windows: int) -> dict:
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    from pgserver import PgServer, find_bin  # the tests' own throwaway server

    from desktop import paths
    from desktop.cases import accounts
    from desktop.store.database import open_database

    bin_dir = find_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries not found (make test installs them: postgresql)")
    data_dir = root / "data"
    data_dir.mkdir()
    os.environ["HALLDESK_DATA_DIR"] = str(data_dir)
    paths.set_data_dir(data_dir)
    server = PgServer(bin_dir).start()
    url = server.create_database("hall")
    db = open_database(url)
    admin = accounts.create_first_admin(db, "admin", "王丽", PASSWORD, PASSWORD, "99")
    for i in range(windows):
        accounts.create_account(db, admin, f"clerk{i + 1:02d}", f"窗口{i + 1:02d}", "clerk", PASSWORD, PASSWORD)
    db.close()
    postmaster = int((server.root / "data" / "postmaster.pid").read_text().split()[0])
    return {"server": server, "url": url, "data_dir": str(data_dir), "papers": str(root / "papers"),
            "postmaster": postmaster}


def report(rounds: list[Round], checks: dict) -> str:
    lines = ["| run | windows | accepts/s | p50 / p95 / max ms | serialised p95 / max ms (sections, with a render inside) "
             "| CPU per accept: client + server ms | ceiling on this machine's cores | errors | load avg before → after |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rounds:
        pace = ("back to back" if not r.think_s else f"a case every {r.think_s:g} s per window"
                if r.mode == MORNING else f"think {r.think_s:g} s")
        lines.append(f"| {r.mode} ({pace}, {r.seconds:g} s) | {r.windows} | {r.throughput:.1f} | "
                     f"{r.p50_ms:.0f} / {r.p95_ms:.0f} / {r.max_ms:.0f} | {r.section_p95_ms:.2f} / {r.section_max_ms:.2f} "
                     f"({r.sections}, {r.sections_with_work}) | {r.client_cpu_ms:.1f} + {r.server_cpu_ms:.1f} | "
                     f"{r.ceiling:.0f}/s | {r.errors} | {r.load_before[0]:.2f} → {r.load_after[0]:.2f} |")
    lines.append("")
    for r in rounds:
        for label, w in (("all accepts", r.waits_all), ("slowest 5 %", r.waits_slowest)):
            if w:
                lines.append(f"where the time went, {r.mode} {r.windows}, {label} (n {w['n']}), mean ms: wall {w['wall']}, "
                             f"CPU {w['cpu']} (GC {w['gc']}), waiting for a core {w['runq']}, fsync {w['fsync']}, "
                             f"chain lock + head {w['lock']}, rest (server, network) "
                             f"{max(0.0, w['wall'] - w['cpu'] - w['runq'] - w['fsync'] - w['lock']):.2f}")
    for r in rounds:
        lines.append(f"sections of {r.mode} {r.windows}: " + "; ".join(
            f"{k}: {v['n']}, p95 {v['p95_ms']} ms, max {v['max_ms']} ms, {v['with_work']} with a render/glyph check/file write inside"
            for k, v in r.section_locks.items()))
    lines.append("integrity: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="python -m bench.hall")
    parser.add_argument("--windows", default="1,10,30", help="comma-separated window counts (saturated runs)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--paced", type=int, default=30, help="windows of the paced run (0: none)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean think time of the paced run; default: half the saturated ceiling offered")
    parser.add_argument("--morning", type=float, default=MORNING_CASE_S,
                        help="the busiest morning: mean seconds per case at each of 30 windows (0: no such run)")
    parser.add_argument("--morning-seconds", type=float, default=120.0, help="measured seconds of the morning run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.windows.split(",") if x.strip()]
    from bench.__main__ import machine

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="halldesk-hall-") as tmp:
        hall = set_up_hall(Path(tmp), max(counts + [args.paced, MORNING_WINDOWS if args.morning else 0]))
        rounds: list[Round] = []
        try:
            for n in counts:
                rounds.append(run_round(ctx, hall, n, args.seconds, 0.0, "saturated", args.seed + n))
                print(report(rounds[-1:], {}).splitlines()[2], flush=True)
            if args.paced:
                think = args.think
                if not think:
                    ceiling = min((r.ceiling for r in rounds), default=40.0)
                    # NOTE: offered ≈ half the ceiling: each window's cycle is think + latency.
                    think = round(max(0.05, args.paced / (0.5 * ceiling)), 2)
                rounds.append(run_round(ctx, hall, args.paced, args.seconds, think, "paced", args.seed + 999))
                print(report(rounds[-1:], {}).splitlines()[2], flush=True)
            if args.morning:
                rounds.append(run_round(ctx, hall, MORNING_WINDOWS, args.morning_seconds, args.morning, MORNING,
                                        args.seed + 555, arrivals=True))
                print(report(rounds[-1:], {}).splitlines()[2], flush=True)
            checks = integrity(hall["url"], Path(hall["papers"]))
            checks["duplicate_case_nos_returned"] = len(hall["case_nos"]) - len(set(hall["case_nos"]))
        finally:
            hall["server"].stop()
    print(f"machine: {machine()}")
    print(report(rounds, checks))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rounds": [asdict(r) for r in rounds],
                                         "checks": checks}, ensure_ascii=False, indent=1))
    ok = (checks["duplicate_case_nos"] == 0 and checks["duplicate_plates"] == 0 and checks["audit_intact"]
          and checks["papers_missing_or_differing"] == 0 and all(r.errors == 0 for r in rounds))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
