"""Many people submitting self-assessments to one database at the same moment.

Each thread has its own connection (as each Streamlit session does) and submits complete
self-assessments through the store: open the draft, save every domain step, submit. The harness
never retries: an exception is an error, and so is any assessment or rating missing afterwards.
`run` uses threads of this process; `run_processes` starts several processes of threads, as
several app processes behind a proxy would (`python -m bench.concurrency` is one of them).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from carecoord import competency
from carecoord.content.models import Framework
from carecoord.db import connect, placeholders
from carecoord.people import Person
from carecoord.store import accounts, assessments

from bench.timing import percentile


def answers_for(framework: Framework, seed: int) -> list[dict[str, assessments.Answer]]:
    """One dict of answers per domain step."""
    return [{c.code: assessments.Answer(1 + (seed + i) % 5, "knows_how") for i, c in enumerate(d.competencies)}
            for d in framework.domains]


def submit_full(db, person: Person, framework: Framework, now: datetime, seed: int = 0) -> int:
    """What a coordinator's self-assessment costs the database: open, every domain step, submit."""
    draft = assessments.open_draft(db, person, person, competency.SELF, framework, now)
    steps = answers_for(framework, seed)
    for index, (domain, answers) in enumerate(zip(framework.domains, steps)):
        assessments.save_step(db, person, draft.id, domain, answers, index + 1)
    return assessments.submit(db, person, draft.id, framework, person, now)


@dataclass(frozen=True)
class ConcurrencyResult:
    threads: int
    per_thread: int
    seconds: float
    errors: int
    retries: int
    lost_assessments: int
    lost_ratings: int
    p95_ms: float
    median_ms: float
    error_messages: list[str]

    @property
    def failures(self) -> int:
        """Errors, retries and lost writes all count as errors."""
        return self.errors + self.retries + self.lost_assessments + self.lost_ratings

    def as_dict(self) -> dict:
        return {"threads": self.threads, "per_thread": self.per_thread, "seconds": round(self.seconds, 2),
                "errors": self.errors, "retries": self.retries, "lost_assessments": self.lost_assessments,
                "lost_ratings": self.lost_ratings, "failures": self.failures, "p95_ms": round(self.p95_ms, 2),
                "median_ms": round(self.median_ms, 2), "error_messages": self.error_messages[:5]}


def _submitted(target: Path | str, person_ids: list[int]) -> tuple[int, int]:
    """How many submitted assessments these people have in the database, and how many ratings they hold."""
    db = connect(target)
    marks = placeholders(person_ids)
    try:
        assessments = db.execute(f"SELECT count(*) FROM assessment WHERE status = 'submitted' AND person_id IN ({marks})",
                                 person_ids).fetchone()[0]
        ratings = db.execute(
            f"""SELECT count(*) FROM rating JOIN assessment ON assessment.id = rating.assessment_id
                WHERE assessment.status = 'submitted' AND assessment.person_id IN ({marks})""", person_ids).fetchone()[0]
    finally:
        db.close()
    return assessments, ratings


def _threads(target: Path | str, person_ids: list[int], framework: Framework, now: datetime, per_thread: int,
             start_at: float | None = None, seed: int = 0) -> tuple[list[float], list[str]]:
    """One thread per person, all starting together (at `start_at`, a time.time(), when given);
    returns every submission's seconds and every error."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(person_ids))

    def worker(index: int, person_id: int) -> None:
        db = connect(target)
        try:
            person = accounts.load_person(db, person_id)
            gate.wait()
            if start_at is not None:
                time.sleep(max(0.0, start_at - time.time()))
            for n in range(per_thread):
                start = time.perf_counter()
                try:
                    submit_full(db, person, framework, now + timedelta(seconds=n), seed=seed + index + n)
                except Exception as error:  # noqa: BLE001 - counted, never retried
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    latencies.append(time.perf_counter() - start)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(i, pid)) for i, pid in enumerate(person_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def _result(target, person_ids, framework, per_thread, before, seconds, latencies, errors) -> ConcurrencyResult:
    after, after_ratings = _submitted(target, person_ids)
    expected = len(person_ids) * per_thread
    ms = [s * 1000 for s in latencies] or [0.0]
    return ConcurrencyResult(
        threads=len(person_ids), per_thread=per_thread, seconds=seconds, errors=len(errors), retries=0,
        lost_assessments=max(0, expected - len(errors) - (after - before[0])),
        lost_ratings=max(0, (expected - len(errors)) * len(framework.competencies) - (after_ratings - before[1])),
        p95_ms=percentile(ms, 0.95), median_ms=sorted(ms)[len(ms) // 2], error_messages=errors)


def run(target: Path | str, person_ids: list[int], framework: Framework, now: datetime, per_thread: int = 50
        ) -> ConcurrencyResult:
    """Threads of this process, one per person."""
    before = _submitted(target, person_ids)
    started = time.perf_counter()
    latencies, errors = _threads(target, person_ids, framework, now, per_thread)
    return _result(target, person_ids, framework, per_thread, before, time.perf_counter() - started,
                   latencies, errors)


def run_processes(target: Path | str, person_ids: list[int], framework: Framework, now: datetime, *,
                  processes: int = 4, per_thread: int = 50) -> ConcurrencyResult:
    """`processes` processes, each with threads for its share of the people, all starting at once."""
    before = _submitted(target, person_ids)
    shares = [person_ids[i::processes] for i in range(processes)]
    start_at = time.time() + 5 + processes  # every process has connected and loaded its people by then
    children = [subprocess.Popen([sys.executable, "-m", "bench.concurrency", str(target), now.isoformat(),
                                  str(per_thread), str(start_at), str(1000 * number), *map(str, share)],
                                 stdout=subprocess.PIPE, text=True)
                for number, share in enumerate(shares)]
    latencies: list[float] = []
    errors: list[str] = []
    for child in children:
        out, _ = child.communicate(timeout=3600)
        if child.returncode != 0:
            errors.append(f"a writer process ended with code {child.returncode}")
            continue
        found = json.loads(out.strip().splitlines()[-1])
        latencies += found["latencies"]
        errors += found["errors"]
    seconds = time.time() - start_at
    return _result(target, person_ids, framework, per_thread, before, seconds, latencies, errors)


def _main(argv: list[str]) -> None:
    from carecoord.content import load_library

    target, now, per_thread, start_at, seed, *people = argv
    latencies, errors = _threads(target if "://" in target else Path(target), [int(p) for p in people],
                                 load_library().framework, datetime.fromisoformat(now), int(per_thread),
                                 start_at=float(start_at), seed=int(seed))
    print(json.dumps({"latencies": latencies, "errors": errors}))


if __name__ == "__main__":
    _main(sys.argv[1:])
