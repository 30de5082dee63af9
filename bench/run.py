"""Build each scale, measure every figure beside its baseline from the same run, judge the targets."""

from __future__ import annotations

import json
import logging
import os
import platform
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from carecoord import search
from carecoord.clock import utcnow
from carecoord.content import content_root, fingerprint, load_library
from carecoord.db import connect, write
from carecoord.store import accounts, assessments, readiness

from bench import build as builder, concurrency, pages
from bench.library import content_files, synthetic_library
from bench.timing import Stats, measure, measure_alternately

# The same rows the organisation-wide growth covers, for the baselines and the direct query.
LIVE_SELF_RATINGS = """
SELECT assessment.round_months, substr(rating.competency_code, 1, 2) AS domain, rating.level
FROM assessment JOIN rating ON rating.assessment_id = assessment.id
WHERE assessment.status = 'submitted' AND assessment.rater_kind = 'self'
  AND NOT EXISTS (SELECT 1 FROM assessment AS newer
                  WHERE newer.supersedes_id = assessment.id AND newer.status = 'submitted')
"""
DIRECT_GROWTH = f"""
SELECT round_months, domain, avg(level) FROM ({LIVE_SELF_RATINGS}) AS live GROUP BY round_months, domain
"""
BARE_SCAN = "SELECT count(*), sum(level) FROM rating"


@dataclass
class Settings:
    repeats: int = 30
    warmup: int = 3
    slow_repeats: int = 7  # pandas, content loading
    page_repeats: int = 21  # whole script runs of each page
    page_warmup: int = 2
    concurrency_threads: int = 16
    concurrency_per_thread: int = 50
    memory: bool = True
    memory_runs: int = 3  # runs of each page in the peak-memory process
    workdir: Path | None = None
    keep: bool = False


@dataclass
class Figure:
    key: str
    label: str
    stats: Stats
    baseline: str | None = None  # key of the figure it is compared with
    note: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, **self.stats.as_dict(), "baseline": self.baseline, "note": self.note}


@dataclass
class ScaleResult:
    scale: str
    built: dict
    rows: dict[str, int]
    figures: dict[str, Figure] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)  # memory, concurrency, checks

    def add(self, figure: Figure) -> None:
        self.figures[figure.key] = figure
        print(f"  {figure.label:<58} median {figure.stats.median_ms:9.2f} ms   p95 {figure.stats.p95_ms:9.2f} ms",
              flush=True)

    def median(self, key: str) -> float:
        return self.figures[key].stats.median_ms

    def as_dict(self) -> dict:
        return {"scale": self.scale, "built": self.built, "rows": self.rows,
                "figures": {k: f.as_dict() for k, f in self.figures.items()}, "values": self.values}


# ---------------------------------------------------------------- machine


def machine() -> dict:
    def read(path: str) -> str:
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next((int(line.split()[1]) for line in read("/proc/meminfo").splitlines()
                      if line.startswith("MemTotal")), 0)
    import pandas
    import streamlit

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "os": platform.platform(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "streamlit": streamlit.__version__, "pandas": pandas.__version__}


def load_state() -> dict:
    """How busy the machine is: load average and the busiest other processes."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    try:
        top = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu"], capture_output=True, text=True,
                             timeout=10).stdout.splitlines()[1:6]
    except (OSError, subprocess.SubprocessError):
        top = []
    return {"at": utcnow().isoformat(timespec="seconds"), "loadavg": load, "busiest": [t.strip() for t in top]}


# ---------------------------------------------------------------- measurements at one scale


def _middle(items: list):
    return items[len(items) // 2]


def readiness_now(db, built: builder.Built, library) -> Callable[[], tuple]:
    """One practice's readiness data, as its lead's page asks for it: the middle practice of the scale, with its
    observations and sign-offs folded in (`team_levels` given the framework)."""
    framework = library.framework
    practice_index = len(built.practice_ids) // 2
    practice_id, lead = built.practice_ids[practice_index], accounts.load_person(db, built.lead_ids[practice_index])

    def run() -> tuple:
        members = readiness.team_members(db, lead, practice_id, framework)
        levels = readiness.team_levels(db, lead, practice_id, built.now, framework)  # observations and sign-offs
        return members, levels

    return run


def paired_readiness(result: ScaleResult, small: builder.Built, large: builder.Built, library, settings: Settings
                     ) -> None:
    """The readiness data at S and at this scale timed in turn: the cross-scale ratio without the drift of a
    shared machine over the minutes between the two scales' own figures."""
    small_db, large_db = connect(small.path), connect(large.path)
    try:
        at_s, here = measure_alternately(readiness_now(small_db, small, library), readiness_now(large_db, large, library),
                                         repeats=settings.repeats, warmup=settings.warmup)
    finally:
        small_db.conn.close()
        large_db.conn.close()
    result.add(Figure("practice_readiness_paired_S", "one practice's readiness at S, timed in turn with this scale",
                      at_s))
    result.add(Figure("practice_readiness_paired", "one practice's readiness, timed in turn with S", here,
                      baseline="practice_readiness_paired_S"))


def store_figures(result: ScaleResult, built: builder.Built, library, settings: Settings, *, reference: bool = False
                  ) -> None:
    """The store-level figures. With reference=True only those compared across scales."""
    db = connect(built.path)
    now = built.now
    practice_index = len(built.practice_ids) // 2
    practice_id, lead = built.practice_ids[practice_index], accounts.load_person(db, built.lead_ids[practice_index])
    trainee = accounts.load_person(db, _middle(built.trainee_ids[practice_index]))
    admin = accounts.load_person(db, built.admin_id)
    r, w = settings.repeats, settings.warmup
    readiness_now_here = readiness_now(db, built, library)

    def readiness_with_rounds():
        members, levels = readiness_now_here()
        return readiness.round_points(db, lead, practice_id, members, now)

    result.add(Figure("practice_readiness", "one practice's readiness now (members + levels)",
                      measure(readiness_now_here, repeats=r, warmup=w), baseline="practice_readiness@S"))
    result.add(Figure("practice_readiness_rounds", "one practice's readiness incl. growth over rounds",
                      measure(readiness_with_rounds, repeats=r, warmup=w), baseline="practice_readiness_rounds@S"))
    result.add(Figure("person_history", "one person's history (domain means per assessment)",
                      measure(lambda: assessments.domain_history(db, trainee, trainee), repeats=r, warmup=w),
                      baseline="person_history@S"))
    from bench.anatomy import readiness_data_parts

    parts = readiness_data_parts(db, practice_id, lead.id, library, now, repeats=r, warmup=w)
    parts["observations_in_practice"] = db.execute(
        "SELECT count(*) FROM observation WHERE practice_id = ? AND withdrawn_at IS NULL", [practice_id]).fetchone()[0]
    result.values["readiness_data_parts"] = parts
    print("  readiness data piece by piece (median ms): " + ", ".join(
        f"{k} {v['median_ms']:.2f}" if isinstance(v, dict) else f"{k} {v}" for k, v in parts.items()), flush=True)
    if reference:
        db.conn.close()
        return

    result.add(Figure("bare_scan", "BASELINE bare full scan of the ratings table",
                      measure(lambda: db.execute(BARE_SCAN).fetchone(), repeats=r, warmup=w)))
    result.add(Figure("org_growth", "organisation-wide growth by domain and round",
                      measure(lambda: readiness.organisation_growth(db, admin), repeats=r, warmup=w),
                      baseline="bare_scan"))
    result.add(Figure("org_growth_direct", "(comparison) the same as one GROUP BY over the ratings",
                      measure(lambda: db.execute(DIRECT_GROWTH).fetchall(), repeats=settings.slow_repeats,
                              warmup=min(1, w)),
                      baseline="bare_scan"))

    def pandas_route():
        import pandas as pd

        frame = pd.read_sql_query(LIVE_SELF_RATINGS, db.conn)
        return frame.pivot_table(index="domain", columns="round_months", values="level", aggfunc="mean")

    result.add(Figure("pandas", "BASELINE pandas reads the same rows and pivots them",
                      measure(pandas_route, repeats=settings.slow_repeats, warmup=min(1, w)), baseline="org_growth",
                      note="ratio shown is pandas / organisation-wide growth"))
    result.values["org_growth_matches_direct"] = _growth_matches(db, admin)

    # Writes last, so the reads above see the organisation as built.
    db.execute("CREATE TABLE IF NOT EXISTS bench_floor (n INTEGER)")

    def write_floor():
        with write(db):
            db.execute("INSERT INTO bench_floor VALUES (1)")

    result.add(Figure("write_floor", "BASELINE one write transaction of one row",
                      measure(write_floor, repeats=r, warmup=w)))
    people = [accounts.load_person(db, pid) for trainees in built.trainee_ids for pid in trainees[:3]]
    counter = iter(range(10**6))

    def submit_one():
        n = next(counter)
        return concurrency.submit_full(db, people[n % len(people)], library.framework, now + timedelta(minutes=n), seed=n)

    result.add(Figure("submit", "submitting one full self-assessment (draft, 10 steps, submit)",
                      measure(submit_one, repeats=r, warmup=w), baseline="write_floor"))
    db.conn.close()


def _growth_matches(db, admin) -> bool:
    """The store's answer equals a GROUP BY over every live self-rating (the summary is kept current)."""
    direct = {(r[0], r[1]): r[2] for r in db.execute(DIRECT_GROWTH)}
    stored = {(p.round_months, p.domain): p.mean_level for p in readiness.organisation_growth(db, admin)}
    return stored.keys() == direct.keys() and all(
        stored[k] is None or abs(stored[k] - direct[k]) < 0.006 for k in direct)


def page_figures(result: ScaleResult, built: builder.Built, library, settings: Settings) -> None:
    index = len(built.practice_ids) // 2
    lead, trainee = built.lead_usernames[index], _middle(built.trainee_usernames[index])
    repeats, warmup = settings.page_repeats, settings.page_warmup
    hello = pages.hello_app()
    result.add(Figure("page_hello", "BASELINE hello-world page (AppTest script run)",
                      pages.time_page(hello, repeats=repeats, warmup=warmup)))
    for key, label, who, page in (
            ("page_router", "(comparison) lightest signed-in page, My account", trainee, pages.ACCOUNT),
            ("page_readiness", "lead's Team readiness page (AppTest script run)", lead, pages.READINESS),
            ("page_home", "trainee's home page, My learning (AppTest script run)", trainee, pages.HOME),
            ("page_growth", "trainee's Growth page (AppTest script run)", trainee, pages.GROWTH),
            ("page_growth_lead", "lead's Growth page, team selector (AppTest script run)", lead, pages.GROWTH)):
        at = pages.page_app(built.path, who, page)
        result.add(Figure(key, label, pages.time_page(at, repeats=repeats, warmup=warmup), baseline="page_hello"))
    from bench.anatomy import readiness_page_parts

    for key, (label, stats) in readiness_page_parts(built.path, built.practice_ids[index], built.lead_ids[index],
                                                    library, built.now, repeats=max(1, repeats // 3),
                                                    warmup=min(1, warmup)).items():
        result.add(Figure(key, f"  readiness page, {label}", stats))
    if settings.memory:
        hello_mb = pages.peak_memory(None, runs=settings.memory_runs)["peak_rss_mb"]
        pages_mb = pages.peak_memory(built.path, lead, trainee, runs=settings.memory_runs)["peak_rss_mb"]
        result.values["memory"] = {"pages_peak_rss_mb": pages_mb, "hello_peak_rss_mb": hello_mb}
        print(f"  peak resident memory: three pages {pages_mb} MB, hello world {hello_mb} MB", flush=True)


def concurrency_figures(result: ScaleResult, built: builder.Built, library, settings: Settings) -> None:
    people = [pid for trainees in built.trainee_ids for pid in trainees[-4:]][-settings.concurrency_threads:]
    if len(people) < settings.concurrency_threads:
        people = [pid for trainees in built.trainee_ids for pid in trainees][-settings.concurrency_threads:]
    outcome = concurrency.run(built.path, people, library.framework, built.now + timedelta(days=1),
                              per_thread=settings.concurrency_per_thread)
    result.values["concurrency"] = outcome.as_dict()
    print(f"  concurrency: {outcome.threads} threads x {outcome.per_thread} self-assessments in "
          f"{outcome.seconds:.1f} s: {outcome.errors} errors, {outcome.retries} retries, "
          f"{outcome.lost_assessments} assessments and {outcome.lost_ratings} ratings lost; "
          f"p95 {outcome.p95_ms:.1f} ms, median {outcome.median_ms:.1f} ms", flush=True)


# What coordinators search for: a phrase, a word in either spelling, a stem, words found in no one place.
SEARCHES = ("prior authorisation", "authorization", "transition conference", "seizure action plan",
            "coordinating care", "teach-back", "respite nursing hours", "behaviour school", "zzqxv")


def content_figures(settings: Settings, workdir: Path) -> dict[str, Figure]:
    """Loading and validating the content library, cold and cached, real and ten times the real one."""
    from carecoord.ui import content as ui_content

    figures: dict[str, Figure] = {}
    real = content_root()
    ten = synthetic_library(real, workdir / "library-10x", copies=10)
    repeats = settings.slow_repeats
    for tag, root in (("", real), ("10x_", ten)):
        files = content_files(root)
        count = len(load_library(root).lessons)
        figures[f"content_{tag}read"] = Figure(
            f"content_{tag}read", f"BASELINE reading the {len(files)} content files' bytes{' (10x)' if tag else ''}",
            measure(lambda: [p.read_bytes() for p in files], repeats=repeats * 2, warmup=settings.warmup))
        figures[f"content_{tag}cold"] = Figure(
            f"content_{tag}cold", f"content library{' 10x' if tag else ''} loaded and validated cold ({count} lessons)",
            measure(lambda: load_library(root), repeats=repeats, warmup=min(1, settings.warmup)),
            baseline=f"content_{tag}read")
        loaded = load_library(root)
        figures[f"search_{tag}index"] = Figure(
            f"search_{tag}index", f"search index built{' (10x)' if tag else ''}, once per library",
            measure(lambda: search.Index(search.library_places(loaded)), repeats=repeats, warmup=min(1, settings.warmup)),
            baseline=f"content_{tag}read")
        index = search.Index(search.library_places(loaded))
        queries = iter(SEARCHES * (settings.repeats + settings.warmup + 1))
        figures[f"search_{tag}query"] = Figure(
            f"search_{tag}query", f"one search{' (10x)' if tag else ''}, {len(SEARCHES)} queries in turn",
            measure(lambda: index.search(next(queries)), repeats=settings.repeats, warmup=settings.warmup),
            baseline=f"content_{tag}read")
        previous = os.environ.get("CARECOORD_CONTENT")
        os.environ["CARECOORD_CONTENT"] = str(root)
        try:
            ui_content.library()
            figures[f"content_{tag}cached"] = Figure(
                f"content_{tag}cached", f"content library{' 10x' if tag else ''} from the app's cache",
                measure(ui_content.library, repeats=settings.repeats, warmup=settings.warmup),
                baseline=f"content_{tag}read")
            figures[f"content_{tag}check"] = Figure(
                f"content_{tag}check", f"looking for changed files{' (10x)' if tag else ''}, at most every "
                f"{ui_content.CHECK_EVERY_S:.0f} s", measure(lambda: fingerprint(root), repeats=settings.repeats,
                                                             warmup=settings.warmup),
                baseline=f"content_{tag}read")
        finally:
            if previous is None:
                os.environ.pop("CARECOORD_CONTENT", None)
            else:
                os.environ["CARECOORD_CONTENT"] = previous
    for figure in figures.values():
        print(f"  {figure.label:<58} median {figure.stats.median_ms:9.2f} ms   p95 {figure.stats.p95_ms:9.2f} ms",
              flush=True)
    return figures


# ---------------------------------------------------------------- the whole run


def run(scales: list[str], settings: Settings) -> dict:
    """Everything, for the given scales; the process environment is left as it was found."""
    saved = {name: os.environ.get(name) for name in ("CARECOORD_DB", "CARECOORD_IDLE_MINUTES", "CARECOORD_CONTENT")}
    disabled, streamlit_level = logging.root.manager.disable, logging.getLogger("streamlit").level
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    logging.disable(logging.WARNING)  # AppTest outside a server warns on every run
    try:
        return _run(scales, settings)
    finally:
        logging.disable(disabled)
        logging.getLogger("streamlit").setLevel(streamlit_level)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run(scales: list[str], settings: Settings) -> dict:
    started = time.perf_counter()
    report: dict = {"date": utcnow().isoformat(timespec="seconds"), "machine": machine(),
                    "load_before": load_state(), "settings": {k: str(v) for k, v in vars(settings).items()},
                    "scales": {}}
    own_dir = settings.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="carecoord-bench-")) if own_dir else settings.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    library = load_library()
    now = utcnow().replace(microsecond=0)
    try:
        print("Content library", flush=True)
        content = content_figures(settings, workdir)
        report["content"] = {k: f.as_dict() for k, f in content.items()}
        wanted = list(dict.fromkeys(scales))
        if "S" not in wanted:
            wanted.insert(0, "S")  # the reference for the per-practice and per-person figures
        results: dict[str, ScaleResult] = {}
        built_at: dict[str, builder.Built] = {}
        for name in wanted:
            scale = builder.SCALES[name]
            reference_only = name not in scales
            print(f"Scale {name}: {scale.practices} practices, {scale.trainees} trainees"
                  + (" (reference only)" if reference_only else ""), flush=True)
            built = builder.build(workdir / f"bench-{name}.db", scale, library, now)
            db = connect(built.path)
            rows = builder.row_counts(db)
            db.conn.close()
            print(f"  built in {built.seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), flush=True)
            result = ScaleResult(name, built.as_dict(), rows)
            results[name] = result
            store_figures(result, built, library, settings, reference=reference_only)
            if name == "S":  # kept as built (before the concurrency writes) for the larger scales' paired figure
                built_at["S"] = _copy(built, workdir / "bench-S-reference.db")
            else:
                paired_readiness(result, built_at["S"], built, library, settings)
            if not reference_only:
                page_figures(result, built, library, settings)
                concurrency_figures(result, built, library, settings)
            if not settings.keep:
                _remove(built.path)
        _remove(built_at["S"].path)
        report["scales"] = {k: v.as_dict() for k, v in results.items() if k in scales}
        report["reference_S"] = results["S"].as_dict() if "S" not in scales else None
        report["ratios"] = {k: ratios(v, results["S"], content) for k, v in results.items() if k in scales}
        report["targets"] = targets(results.get("L"), results["S"], content) if "L" in scales else []
    finally:
        if own_dir and not settings.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    report["load_after"] = load_state()
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _copy(built: builder.Built, path: Path) -> builder.Built:
    source, target = sqlite3.connect(built.path), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return replace(built, path=path)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _baseline_median(key: str, result: ScaleResult, reference: ScaleResult, content: dict[str, Figure]) -> float | None:
    if key.endswith("@S"):
        name = key[:-2]
        return reference.figures[name].stats.median_ms if name in reference.figures else None
    if key in result.figures:
        return result.median(key)
    if key in content:
        return content[key].stats.median_ms
    return None


def ratios(result: ScaleResult, reference: ScaleResult, content: dict[str, Figure]) -> dict[str, dict]:
    found = {}
    for key, figure in [*result.figures.items(), *content.items()]:
        if figure.baseline is None:
            continue
        base = _baseline_median(figure.baseline, result, reference, content)
        if base:
            found[key] = {"baseline": figure.baseline, "ratio": round(figure.stats.median_ms / base, 2)}
    return found


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    limit: str
    met: bool

    def as_dict(self) -> dict:
        return {"target": self.name, "measured": self.measured, "limit": self.limit, "met": self.met}


def targets(large: ScaleResult, small: ScaleResult, content: dict[str, Figure]) -> list[dict]:
    m = large.median
    found = [
        Target("one practice's readiness data", f"{m('practice_readiness'):.2f} ms", "<= 15 ms",
               m("practice_readiness") <= 15),
        # Judged on the two timed in turn (paired_readiness): minutes apart, a shared machine drifts more than that.
        Target("  ... against scale S, timed in turn", f"{m('practice_readiness_paired') / m('practice_readiness_paired_S'):.2f}x S",
               "<= 1.5x", m("practice_readiness_paired") <= 1.5 * m("practice_readiness_paired_S")),
        Target("organisation-wide growth vs bare scan", f"{m('org_growth') / m('bare_scan'):.3f}x scan", "<= 1.5x",
               m("org_growth") <= 1.5 * m("bare_scan")),
        Target("organisation-wide growth vs pandas", f"{m('pandas') / m('org_growth'):.0f}x faster", ">= 20x faster",
               m("pandas") >= 20 * m("org_growth")),
        Target("one self-assessment submitted", f"{m('submit'):.2f} ms", "<= 20 ms", m("submit") <= 20),
    ]
    # The AppTest page ratios to hello world are no longer targets (issue 22): what a person waits for is
    # timed in a browser by bench.browser and bench.load.
    cold = content["content_10x_cold"].stats.median_ms
    found.append(Target("10x content library cold", f"{cold:.0f} ms", "<= 1000 ms", cold <= 1000))
    query = content["search_10x_query"].stats.p95_ms
    found.append(Target("one search, 10x library (p95)", f"{query:.1f} ms", "< 50 ms", query < 50))
    if "memory" in large.values:
        mb = large.values["memory"]["pages_peak_rss_mb"]
        found.append(Target("peak memory, three pages at L", f"{mb} MB", "<= 300 MB", mb <= 300))
    if "concurrency" in large.values:
        failures = large.values["concurrency"]["failures"]
        found.append(Target("concurrency 16 x 50", f"{failures} errors", "0 errors", failures == 0))
    return [t.as_dict() for t in found]


def print_summary(report: dict) -> None:
    print()
    for name, result in report["scales"].items():
        print(f"Scale {name}: ratios to baselines")
        for key, ratio in report["ratios"][name].items():
            print(f"  {key:<28} {ratio['ratio']:>9.2f}x {ratio['baseline']}")
    if report["targets"]:
        print("\nTargets at scale L")
        for t in report["targets"]:
            print(f"  {'MET ' if t['met'] else 'MISS'} {t['target']:<40} {t['measured']:>16}  (target {t['limit']})")


def save(report: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path
