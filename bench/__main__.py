"""`uv run python -m bench --scale L`: build the synthetic organisation, measure, print, write JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.run import Settings, print_summary, run, save

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", nargs="+", choices=["S", "M", "L", "XL"], default=["S"],
                        help="one or more scales: S = 1 practice, M = 10, L = 50 (40 trainees each); XL = 500 "
                             "runs on its own, on each --backend")
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"],
                        help="with --scale XL: the backends to measure side by side (default sqlite)")
    parser.add_argument("--repeats", type=int, default=30, help="timed repeats of each quick figure (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs before timing (default 3)")
    parser.add_argument("--slow-repeats", type=int, default=7,
                        help="timed repeats of slow figures: pandas, content loading (default 7)")
    parser.add_argument("--page-repeats", type=int, default=21, help="timed script runs of each page (default 21)")
    parser.add_argument("--threads", type=int, default=16, help="concurrent writers (default 16)")
    parser.add_argument("--per-thread", type=int, default=50, help="self-assessments per writer (default 50)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--json", type=Path, help="where to write the results (default bench/results/<scales>.json)")
    parser.add_argument("--workdir", type=Path, help="build the databases here (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the databases after the run")
    args = parser.parse_args(argv)
    if "XL" in args.scale:
        if args.scale != ["XL"]:
            parser.error("--scale XL runs on its own")
        return _statewide(args)
    settings = Settings(repeats=args.repeats, warmup=args.warmup, slow_repeats=args.slow_repeats,
                        page_repeats=args.page_repeats,
                        concurrency_threads=args.threads, concurrency_per_thread=args.per_thread,
                        memory=not args.no_memory, workdir=args.workdir, keep=args.keep)
    report = run(args.scale, settings)
    print_summary(report)
    path = save(report, args.json or RESULTS / f"bench-{''.join(args.scale)}.json")
    print(f"\nResults written to {path}")
    return report


def _statewide(args) -> dict:
    from bench import statewide

    report = statewide.run(args.backend, repeats=args.repeats, warmup=args.warmup, memory=not args.no_memory,
                           workdir=args.workdir)
    print(statewide.table(report))
    for backend, found in report["backends"].items():
        print(f"{backend}: " + ", ".join(f"{k}: {'met' if ok else 'MISSED'}" for k, ok in found["targets"].items()))
    path = statewide.save(report, args.json or RESULTS / f"bench-XL-{'-'.join(args.backend)}.json")
    print(f"\nResults written to {path}")
    return report


if __name__ == "__main__":
    main()
