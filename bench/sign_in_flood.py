"""Wrong passwords in a flood while someone saves their work.

`threads` loops try wrong passwords (each its own connection, as each browser tab has), while one
more thread submits full self-assessments. What matters is the saver: a password check that held
the write lock made every save wait behind it (and some fail with "database is locked").

    uv run python -m bench.sign_in_flood            # 16 threads for 10 s on a temporary database
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from carecoord import clock, demo
from carecoord.content import load_library
from carecoord.db import connect, open_database
from carecoord.store import accounts

from bench.concurrency import submit_full
from bench.timing import percentile


@dataclass(frozen=True)
class FloodResult:
    threads: int
    seconds: float
    sign_in_attempts: int
    saves: int
    save_errors: list[str]
    save_median_ms: float
    save_p95_ms: float
    save_max_ms: float


def run(path: Path, *, threads: int = 16, seconds: float = 10.0) -> FloodResult:
    """Flood the demo database at `path` with wrong passwords while a trainee saves assessments."""
    framework = load_library().framework
    setup = connect(path)
    trainee = setup.execute("SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0]
    targets = [row[0] for row in setup.execute("SELECT username FROM person ORDER BY id")]
    setup.conn.close()
    stop = threading.Event()
    attempts = [0] * threads
    latencies: list[float] = []
    errors: list[str] = []

    def guesser(index: int) -> None:
        db = connect(path)
        try:
            while not stop.is_set():
                # Known and unknown names, so both the throttled and the checked paths are taken.
                name = targets[index % len(targets)] if index % 2 else f"nobody-{index}-{attempts[index]}"
                accounts.sign_in_with_password(db, name, "wrong password guess", clock.utcnow())
                attempts[index] += 1
        finally:
            db.conn.close()

    def saver() -> None:
        db = connect(path)
        person = accounts.load_person(db, trainee)
        n = 0
        try:
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    submit_full(db, person, framework, clock.utcnow(), seed=n)
                    latencies.append(time.perf_counter() - start)
                except Exception as error:  # noqa: BLE001 - a failed save is the finding
                    errors.append(f"{type(error).__name__}: {error}")
                n += 1
        finally:
            db.conn.close()

    workers = [threading.Thread(target=guesser, args=(i,)) for i in range(threads)]
    workers.append(threading.Thread(target=saver))
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    ms = sorted(s * 1000 for s in latencies) or [0.0]
    return FloodResult(threads=threads, seconds=seconds, sign_in_attempts=sum(attempts), saves=len(latencies),
                       save_errors=errors, save_median_ms=ms[len(ms) // 2], save_p95_ms=percentile(ms, 0.95),
                       save_max_ms=ms[-1])


def demo_database(folder: Path) -> Path:
    path = folder / "flood.db"
    db = open_database(path)
    demo.load(db, clock.utcnow())
    db.conn.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = run(demo_database(Path(folder)), threads=args.threads, seconds=args.seconds)
    print(f"{result.threads} threads of wrong passwords for {result.seconds:.0f} s: "
          f"{result.sign_in_attempts} sign-in attempts")
    print(f"self-assessments saved meanwhile: {result.saves}, errors {len(result.save_errors)}; "
          f"median {result.save_median_ms:.1f} ms, p95 {result.save_p95_ms:.1f} ms, max {result.save_max_ms:.1f} ms")
    for message in result.save_errors[:5]:
        print("  " + message)


if __name__ == "__main__":
    main()
