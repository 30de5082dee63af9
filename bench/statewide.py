"""Scale XL, a statewide programme, on each backend: `python -m bench --scale XL --backend sqlite postgresql`.

XL (500 practices, 20,000 coordinators, about 10M ratings) and S are built once on SQLite through the
store, as the other scales are. PostgreSQL gets the same rows with `carecoord copy` (timed, with its
checks), into a throwaway cluster ($CARECOORD_BENCH_POSTGRES_URL names a server of your own instead).
Then, on each backend, the same figures as at L beside the same baselines, and the XL targets:
one practice's readiness <= 15 ms and <= 1.5x the same at S (timed in turn), organisation-wide
growth <= 1.5x a bare scan of the ratings, one self-assessment submitted <= 20 ms, an app process's
peak memory <= 300 MB, and 4 processes x 8 threads x 50 full self-assessments with 0 errors and 0 lost.
PostgreSQL's reads go first, then each backend's writes, so every read sees the organisation as built.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import psycopg

from carecoord import transfer
from carecoord.clock import utcnow
from carecoord.content import load_library
from carecoord.db import connect, write
from carecoord.store import accounts, readiness

from bench import build as builder, concurrency, pages
from bench.run import BARE_SCAN, DIRECT_GROWTH, load_state, machine, readiness_now
from bench.timing import measure, measure_alternately

TARGETS = {"readiness_ms": 15.0, "readiness_vs_S": 1.5, "growth_vs_scan": 1.5, "submit_ms": 20.0,
           "memory_mb": 300.0}
PROCESSES, THREADS_PER_PROCESS = 4, 8
# A server for 10M ratings is given memory for them; the rest is PostgreSQL's defaults.
CLUSTER_SETTINGS = {"shared_buffers": "2GB", "effective_cache_size": "8GB", "work_mem": "32MB"}


def _postgres_server():
    """A server URL and a function that stops what was started (nothing, for your own server)."""
    url = os.environ.get("CARECOORD_BENCH_POSTGRES_URL")
    if url:
        return url, lambda: None
    from tests.postgres import start_cluster

    cluster = start_cluster(CLUSTER_SETTINGS)
    return next(cluster), cluster.close


def _new_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def _copy(source_path: Path, target_url: str) -> dict:
    source, target = connect(source_path), connect(target_url)
    try:
        started = time.perf_counter()
        checks = transfer.copy_database(source, target)
        seconds = time.perf_counter() - started
    finally:
        source.close()
        target.close()
    return {"seconds": round(seconds, 1), "rows": sum(c.source_rows for c in checks),
            "tables": len(checks), "all_checks_pass": all(c.ok for c in checks)}


def _growth_matches(db, admin) -> bool:
    direct = {(r[0], r[1]): float(r[2]) for r in db.execute(DIRECT_GROWTH)}
    stored = {(p.round_months, p.domain): p.mean_level for p in readiness.organisation_growth(db, admin)}
    return stored.keys() == direct.keys() and all(
        stored[k] is None or abs(stored[k] - direct[k]) < 0.006 for k in direct)


def _reads(figures: dict, small, large, small_target, large_target, library, repeats: int, warmup: int) -> None:
    small_db, db = connect(small_target), connect(large_target)
    try:
        at_s, here = measure_alternately(readiness_now(small_db, small, library), readiness_now(db, large, library),
                                         repeats=repeats, warmup=warmup)
        figures["readiness_S"], figures["readiness"] = at_s, here
        admin = accounts.load_person(db, large.admin_id)
        figures["bare_scan"] = measure(lambda: db.execute(BARE_SCAN).fetchone(), repeats=max(5, repeats // 3),
                                       warmup=1)
        figures["org_growth"] = measure(lambda: readiness.organisation_growth(db, admin), repeats=repeats,
                                        warmup=warmup)
        figures["growth_matches_direct"] = _growth_matches(db, admin)
    finally:
        small_db.close()
        db.close()


def _writes(figures: dict, large, large_target, library, repeats: int, warmup: int, memory: bool,
            threads_per_process: int, per_thread: int) -> None:
    db = connect(large_target)
    try:
        db.execute("CREATE TABLE IF NOT EXISTS bench_floor (n INTEGER)")

        def write_floor():
            with write(db):
                db.execute("INSERT INTO bench_floor VALUES (1)")

        figures["write_floor"] = measure(write_floor, repeats=repeats, warmup=warmup)
        people = [accounts.load_person(db, pid) for trainees in large.trainee_ids[:50] for pid in trainees[:2]]
        counter = iter(range(10**6))

        def submit_one():
            n = next(counter)
            return concurrency.submit_full(db, people[n % len(people)], library.framework,
                                           large.now + timedelta(minutes=n), seed=n)

        figures["submit"] = measure(submit_one, repeats=repeats, warmup=warmup)
    finally:
        db.close()
    if memory:
        index = len(large.practice_ids) // 2
        figures["memory_mb"] = pages.peak_memory(large_target, large.lead_usernames[index],
                                                 large.trainee_usernames[index][20])["peak_rss_mb"]
    writers = [pid for trainees in large.trainee_ids for pid in trainees[-THREADS_PER_PROCESS:]]
    writers = writers[-PROCESSES * threads_per_process:]
    outcome = concurrency.run_processes(large_target, writers, library.framework, large.now + timedelta(days=1),
                                        processes=PROCESSES, per_thread=per_thread)
    figures["concurrency"] = outcome.as_dict()


def judge(figures: dict) -> dict[str, bool]:
    return {
        "readiness <= 15 ms": figures["readiness"].median_ms <= TARGETS["readiness_ms"],
        "readiness <= 1.5x S": figures["readiness"].median_ms <= TARGETS["readiness_vs_S"] * figures["readiness_S"].median_ms,
        "growth <= 1.5x bare scan": figures["org_growth"].median_ms <= TARGETS["growth_vs_scan"] * figures["bare_scan"].median_ms,
        "submit <= 20 ms": figures["submit"].median_ms <= TARGETS["submit_ms"],
        "memory <= 300 MB": figures.get("memory_mb", 0) <= TARGETS["memory_mb"],
        "concurrency: 0 errors, 0 lost": figures["concurrency"]["failures"] == 0,
    }


def run(backends: list[str], *, repeats: int = 30, warmup: int = 3, memory: bool = True,
        scale: str = "XL", workdir: Path | None = None, threads_per_process: int = THREADS_PER_PROCESS,
        per_thread: int = 50) -> dict:
    """Build, copy, measure on each backend; `scale` and the writers are smaller only in the harness's test."""
    started = time.perf_counter()
    report: dict = {"date": utcnow().isoformat(timespec="seconds"), "machine": machine(),
                    "load_before": load_state(), "scale": scale, "backends": {}}
    folder = Path(workdir or tempfile.mkdtemp(prefix="carecoord-xl-"))
    library, now = load_library(), utcnow().replace(microsecond=0)
    print(f"Building S and {scale} on SQLite through the store", flush=True)
    small = builder.build(folder / "S.db", builder.SCALES["S"], library, now)
    large = builder.build(folder / "large.db", builder.SCALES[scale], library, now)
    db = connect(large.path)
    report["rows"] = builder.row_counts(db)
    db.close()
    report["build_seconds"] = {"S": round(small.seconds, 1), scale: round(large.seconds, 1)}
    print(f"  built {scale} in {large.seconds:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in report["rows"].items()),
          flush=True)
    targets = {"sqlite": (small.path, large.path)}
    stop = lambda: None  # noqa: E731
    try:
        if "postgresql" in backends:
            server, stop = _postgres_server()
            small_url, large_url = _new_database(server, "bench_s"), _new_database(server, "bench_xl")
            _copy(small.path, small_url)
            report["copy_to_postgresql"] = _copy(large.path, large_url)
            print(f"  copied {scale} to PostgreSQL: {report['copy_to_postgresql']}", flush=True)
            targets["postgresql"] = (small_url, large_url)
        figures: dict[str, dict] = {backend: {} for backend in backends}
        for backend in backends:
            print(f"{backend}: reads", flush=True)
            _reads(figures[backend], small, large, *targets[backend], library, repeats, warmup)
        for backend in backends:
            print(f"{backend}: writes, memory and concurrency", flush=True)
            _writes(figures[backend], large, targets[backend][1], library, repeats, warmup, memory,
                    threads_per_process, per_thread)
        for backend in backends:
            found = figures[backend]
            report["backends"][backend] = {
                "figures": {k: (v.as_dict() if hasattr(v, "as_dict") else v) for k, v in found.items()},
                "targets": judge(found)}
    finally:
        stop()
        for path in folder.glob("*.db*"):
            path.unlink(missing_ok=True)
    report["load_after"] = load_state()
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def table(report: dict) -> str:
    """The side-by-side table for bench/README.md."""
    backends = list(report["backends"])
    rows = [("one practice's readiness (ms)", lambda f: f["readiness"]["median_ms"]),
            ("the same at S, timed in turn (ms)", lambda f: f["readiness_S"]["median_ms"]),
            ("ratio XL / S (target <= 1.5)", lambda f: f["readiness"]["median_ms"] / f["readiness_S"]["median_ms"]),
            ("organisation-wide growth (ms)", lambda f: f["org_growth"]["median_ms"]),
            ("bare scan of the ratings (ms)", lambda f: f["bare_scan"]["median_ms"]),
            ("ratio growth / scan (target <= 1.5)", lambda f: f["org_growth"]["median_ms"] / f["bare_scan"]["median_ms"]),
            ("one self-assessment submitted (ms, target <= 20)", lambda f: f["submit"]["median_ms"]),
            ("one write of one row (ms)", lambda f: f["write_floor"]["median_ms"]),
            ("peak memory of an app process (MB, target <= 300)", lambda f: f.get("memory_mb", float("nan"))),
            ("4 x 8 x 50 self-assessments: seconds", lambda f: f["concurrency"]["seconds"]),
            ("... errors + lost (target 0)", lambda f: f["concurrency"]["failures"]),
            ("... p95 of one submission (ms)", lambda f: f["concurrency"]["p95_ms"])]
    lines = ["| figure | " + " | ".join(backends) + " | PostgreSQL / SQLite |" if len(backends) == 2 else
             "| figure | " + " | ".join(backends) + " |",
             "| --- |" + " ---: |" * (len(backends) + (len(backends) == 2))]
    for label, value in rows:
        values = [value(report["backends"][b]["figures"]) for b in backends]
        cells = [(f"{v:,.2f}" if abs(v) >= 0.01 or v == 0 else f"{v:.1e}") if isinstance(v, float) else f"{v:,}"
                 for v in values]
        if len(backends) == 2:
            cells.append(f"{values[1] / values[0]:.2f}x" if values[0] else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def save(report: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str))
    return path
