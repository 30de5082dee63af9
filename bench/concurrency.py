"""Many people submitting self-assessments to one database file at the same moment.

Each thread has its own connection (as each Streamlit session does) and submits complete
self-assessments through the store: open the draft, save every domain step, submit. The harness
never retries: an exception is an error, and so is any assessment or rating missing afterwards.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from carecoord import competency
from carecoord.content.models import Framework
from carecoord.db import connect
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


def _submitted(path: Path, person_ids: list[int]) -> tuple[int, int]:
    """How many submitted assessments these people have in the file, and how many ratings they hold."""
    db = connect(path)
    marks = ",".join("?" * len(person_ids))
    try:
        assessments = db.execute(f"SELECT count(*) FROM assessment WHERE status = 'submitted' AND person_id IN ({marks})",
                                 person_ids).fetchone()[0]
        ratings = db.execute(
            f"""SELECT count(*) FROM rating JOIN assessment ON assessment.id = rating.assessment_id
                WHERE assessment.status = 'submitted' AND assessment.person_id IN ({marks})""", person_ids).fetchone()[0]
    finally:
        db.conn.close()
    return assessments, ratings


def run(path: Path, person_ids: list[int], framework: Framework, now: datetime, per_thread: int = 50
        ) -> ConcurrencyResult:
    before, before_ratings = _submitted(path, person_ids)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(person_ids))

    def worker(index: int, person_id: int) -> None:
        db = connect(path)
        try:
            person = accounts.load_person(db, person_id)
            gate.wait()
            for n in range(per_thread):
                start = time.perf_counter()
                try:
                    submit_full(db, person, framework, now + timedelta(seconds=n), seed=index + n)
                except Exception as error:  # noqa: BLE001 - counted, never retried
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    latencies.append(time.perf_counter() - start)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=worker, args=(i, pid)) for i, pid in enumerate(person_ids)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    after, after_ratings = _submitted(path, person_ids)
    expected = len(person_ids) * per_thread
    ms = [s * 1000 for s in latencies] or [0.0]
    return ConcurrencyResult(
        threads=len(person_ids), per_thread=per_thread, seconds=seconds, errors=len(errors), retries=0,
        lost_assessments=max(0, expected - len(errors) - (after - before)),
        lost_ratings=max(0, (expected - len(errors)) * len(framework.competencies) - (after_ratings - before_ratings)),
        p95_ms=percentile(ms, 0.95), median_ms=sorted(ms)[len(ms) // 2], error_messages=errors)
