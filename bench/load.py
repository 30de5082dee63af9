"""Under load: browser sessions and simulated users against the app on PostgreSQL, one process and two.

    uv run python -m bench.load --scale L                  # the issue's measurement (bench/README.md, "Under load")
    uv run python -m bench.load --scale S --seconds 30 --alone-rounds 1   # a quick check of the harness

Builds the scale with `bench.build` (plus the family-faculty member `bench.browser` adds), copies it into a
throwaway PostgreSQL 15 cluster on loopback with `carecoord copy --to` (tests/postgres.py `start_cluster`),
and for each configuration

- **one process**: one `streamlit run` on that database;
- **two processes behind nginx**: two, behind the documented nginx site (tests/proxy.py `start_proxy`,
  HTTPS on loopback, each browser kept on one process by nginx's route cookie),

measures first each browser role's pages alone (one browser session, `--alone-rounds` rounds, timed as in
`bench.browser`: navigation and sidebar click to idle), then the same under load for `--seconds`:

- `--browsers` (at most 4) Chromium sessions, one per role (practice lead, coordinator, administrator, family
  faculty), each looping over its pages, timed the same way (DOM checks on every page; the run log is
  checked as a whole, since several tabs' lines cannot be told apart per action);
- simulated users up to `--users` in all (50): websocket clients (`websockets`, the client library
  installed with Streamlit's server; one asyncio loop in a thread) that
  speak Streamlit's protocol to `/_stcore/stream` as a browser tab does: the sign-in token in the Cookie
  header, the `streamlit` subprotocol, then a BackMsg `rerun_script` naming a page (`page_name`, its url path)
  and ForwardMsgs read until `script_finished`; then a think time drawn from THINK_S, then the next page of
  that person's navigation. Each is a different person with a token of its own (leads of other practices and
  coordinators; at scale S, with fewer people than users, a person signs in more than once).

Reported per configuration: browser page times under load against the same pages alone (median and p95, and
their ratio; target p95 <= 2x), the server's own run times from its run log (CARECOORD_RUN_LOG=1) and peak
memory per process, and the simulated users' completed runs per second. The first RAMP_S seconds of the load
are not counted (users connect in turn over them).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import browser as bb

DEFAULT_THINK_S = (1.0, 3.0)  # a simulated user's pause between pages: reading, then clicking on (--think)
THINK_S = DEFAULT_THINK_S
RAMP_S = 10.0  # users connect in turn over this long; nothing in it is counted
RUN_TIMEOUT_S = 120.0
BROWSER_ROLES = ("practice lead", "coordinator", "administrator", "family faculty")


# ---------------------------------------------------------------- simulated users


@dataclass
class SimUser:
    person_id: int
    token: str
    pages: list[str]  # url paths


@dataclass
class SimResults:
    runs: list[tuple[float, str, float]] = field(default_factory=list)  # (finished at, page, ms)
    errors: list[str] = field(default_factory=list)
    connected: int = 0


async def _sim_user(ws_url: str, user: SimUser, start_at: float, deadline: float, results: SimResults,
                    rng: random.Random) -> None:
    import ssl

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    secure = None
    if ws_url.startswith("wss://"):  # nginx's self-signed certificate for 127.0.0.1
        secure = ssl.create_default_context()
        secure.check_hostname, secure.verify_mode = False, ssl.CERT_NONE
    try:
        connection = await connect(ws_url, additional_headers={"Cookie": f"carecoord_session={user.token}"},
                                   subprotocols=["streamlit"], ssl=secure, max_size=None, open_timeout=30,
                                   ping_interval=None)
    except Exception as error:  # noqa: BLE001 - counted and reported
        results.errors.append(f"connect: {error!r}")
        return
    results.connected += 1
    early = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
    index = rng.randrange(len(user.pages))
    try:
        while time.monotonic() < deadline:
            page = user.pages[index % len(user.pages)]
            index += 1
            message = BackMsg()
            message.rerun_script.page_name = page
            message.rerun_script.query_string = ""
            started = time.perf_counter()
            await connection.send(message.SerializeToString())
            while True:
                data = await asyncio.wait_for(connection.recv(), timeout=RUN_TIMEOUT_S)
                if isinstance(data, str):
                    continue
                reply = ForwardMsg()
                reply.ParseFromString(data)
                if reply.WhichOneof("type") == "script_finished" and reply.script_finished != early:
                    break
            results.runs.append((time.monotonic(), page, (time.perf_counter() - started) * 1000))
            await asyncio.sleep(rng.uniform(*THINK_S))
    except Exception as error:  # noqa: BLE001 - counted and reported
        results.errors.append(f"{type(error).__name__}: {error}")
    finally:
        await connection.close()


def start_simulated(ws_url: str, users: list[SimUser], start: float, deadline: float) -> tuple[threading.Thread,
                                                                                           SimResults]:
    results = SimResults()

    async def everyone() -> None:
        step = RAMP_S / max(1, len(users))
        await asyncio.gather(*(_sim_user(ws_url, user, start + i * step, deadline, results, random.Random(i))
                               for i, user in enumerate(users)))

    thread = threading.Thread(target=asyncio.run, args=(everyone(),), name="simulated-users", daemon=True)
    thread.start()
    return thread, results


def simulated_people(database: Path, built, exclude: set[int], count: int) -> list[tuple[int, list[str]]]:
    """People for the simulated users, each with the url paths of their navigation's visible pages: a lead of
    another practice for every seven coordinators, from every practice in turn."""
    from carecoord.db import connect
    from carecoord.store import accounts
    from carecoord.ui import registry

    db = connect(database)
    try:
        leads = [pid for pid in built.lead_ids if pid not in exclude]
        trainees = [pid for group in zip(*built.trainee_ids) for pid in group if pid not in exclude]
        chosen: list[int] = []
        for i in range(count):
            if i % 8 == 7 and leads:
                chosen.append(leads[(i // 8) % len(leads)])
            else:
                chosen.append(trainees[(i - i // 8) % len(trainees)])
        people = []
        for person_id in chosen:
            person = accounts.load_person(db, person_id)
            pages = [Path(spec.path).stem for spec in registry.PAGES if spec.open_to(person) and not spec.hidden]
            people.append((person_id, pages))
        return people
    finally:
        db.conn.close()


# ---------------------------------------------------------------- browser sessions


class _Deadline(Exception):
    pass


class TimedSamples(bb.Samples):
    """Samples with the moment each was taken; past `deadline` the session's loop ends."""

    def __init__(self, deadline: float | None):
        super().__init__()
        self.deadline, self.taken = deadline, []

    def add(self, key: str, ms: float, runs: list[dict]) -> None:
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            raise _Deadline
        super().add(key, ms, runs)
        self.taken.append((now, key, ms))


def browser_session(base: str, role: bb.Role, token: str, deadline: float | None, rounds: int,
                    samples: TimedSamples, errors: list, served: bb.Served | None) -> None:
    """One Chromium session looping over the role's pages: `rounds` times, or until `deadline` (a sample
    finished after it ends the loop and is not kept)."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = bb.launch(playwright)
            try:
                tab = bb.new_tab(browser, base, token)
                done = 0
                while deadline is not None or done < rounds:
                    bb.visit_role(tab, served, base, role, samples)
                    done += 1
            except _Deadline:
                pass
            finally:
                browser.close()
    except Exception as error:  # noqa: BLE001 - reported; a page that failed is a failure of the bench
        errors.append(f"{role.name}: {type(error).__name__}: {error}"[:2000])


# ---------------------------------------------------------------- one configuration


def run_configuration(name: str, processes: int, database_url: str, roles: list[bb.Role], tokens: dict[int, str],
                      sim_users: list[SimUser], args, workdir: Path) -> dict:
    servers: list[bb.Served] = []
    proxy = None
    try:
        for n in range(processes):
            servers.append(bb.serve(bb.APP, workdir / f"{name.replace(' ', '-')}-{n}.log", bb.app_env(database_url),
                                    f"app {n + 1}"))
        if processes > 1:
            from tests.proxy import start_proxy

            proxy = start_proxy([s.port for s in servers])
            base = proxy.url
        else:
            base = servers[0].url
        ws_url = base.replace("https://", "wss://").replace("http://", "ws://") + "/_stcore/stream"
        print(f"{name}: {base} ({', '.join(s.url for s in servers)})", flush=True)

        # Each role's pages alone: one browser session, nothing else on the server; the first round warms up.
        alone = bb.Samples()
        for role in roles:
            errors: list[str] = []
            taken = TimedSamples(None)
            browser_session(base, role, tokens[role.person_id], None, args.alone_rounds + 1, taken, errors,
                            servers[0] if processes == 1 else None)
            if errors:
                raise bb.BenchFailure(errors[0])
            per_round = len(taken.taken) // (args.alone_rounds + 1)
            for _, k, ms in taken.taken[per_round:]:
                alone.browser.setdefault(k, []).append(ms)
            print(f"  alone: {role.name} done", flush=True)

        offsets = [s.log_size() for s in servers]
        start = time.monotonic() + 1.0
        deadline = start + RAMP_S + args.seconds
        counted_from = start + RAMP_S
        sim_thread, sims = start_simulated(ws_url, sim_users, start, deadline)
        threads, errors = [], []
        taken_by_role: dict[str, TimedSamples] = {}
        for role in roles:
            taken_by_role[role.name] = TimedSamples(deadline)
            thread = threading.Thread(target=browser_session, name=f"browser-{role.name}",
                                      args=(base, role, tokens[role.person_id], deadline, 0, taken_by_role[role.name],
                                            errors, None), daemon=True)
            threads.append(thread)
            thread.start()
        rss_peaks: dict[int, float] = {}
        server_pids = {s.process.pid for s in servers}
        cpu_start = cpu_end = None
        while any(t.is_alive() for t in threads) or sim_thread.is_alive():
            # Processes that end are no longer counted, so CPU time is read inside the counted stretch.
            if cpu_start is None and time.monotonic() >= counted_from:
                cpu_start, cpu_from = cpu_seconds_by_kind(server_pids), time.monotonic()
            if cpu_start is not None and cpu_end is None and time.monotonic() >= deadline:
                cpu_end, cpu_to = cpu_seconds_by_kind(server_pids), time.monotonic()
            for s in servers:
                rss_peaks[s.process.pid] = max(rss_peaks.get(s.process.pid, 0.0), _rss_mb(s.process.pid))
            time.sleep(1.0)
            if time.monotonic() > deadline + RUN_TIMEOUT_S + 60:
                raise bb.BenchFailure("the load did not end in time")
        if errors:
            raise bb.BenchFailure("a browser session failed under load: " + "; ".join(errors))
        loaded = bb.Samples()
        for taken in taken_by_role.values():
            for at, k, ms in taken.taken:
                if at >= counted_from:
                    loaded.browser.setdefault(k, []).append(ms)
        server_runs = [run for s, offset in zip(servers, offsets) for run in s.runs_since(offset)]
        return {"configuration": name, "processes": processes, "base": base,
                "browsers": compare(alone, loaded),
                "browser_samples_counted": {r: sum(1 for at, _, _ in t.taken if at >= counted_from)
                                            for r, t in taken_by_role.items()},
                "server": server_figures(server_runs, rss_peaks, servers),
                "simulated": simulated_figures(sims, counted_from, deadline, len(sim_users)),
                "cores_used": cpu_shares(cpu_start, cpu_end, cpu_to - cpu_from) if cpu_end else None,
                "seconds_counted": args.seconds}
    finally:
        if proxy is not None:
            proxy.stop()
        for s in servers:
            bb.stop_group(s.process)


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def cpu_seconds_by_kind(server_pids: set[int]) -> dict[str, float]:
    """CPU time used so far (user + system) by every process on the machine, grouped: the app's processes,
    the browsers, PostgreSQL, nginx, and everything else (this bench's simulated users and Playwright's driver
    among it). Taken at the start and the end of the counted load, the difference says who used the cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        pid, name = int(stat.parent.name), text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        kind = ("app" if pid in server_pids else "browsers" if "chrom" in name else "postgresql" if "postgres" in name
                else "nginx" if "nginx" in name else "other")
        used[kind] = used.get(kind, 0.0) + seconds
    return used


def cpu_shares(start: dict[str, float], end: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores used by each kind of process over the counted load (2.0 would be both cores all the time)."""
    return {kind: round(max(0.0, end.get(kind, 0.0) - start.get(kind, 0.0)) / seconds, 2) for kind in end}


def compare(alone: bb.Samples, loaded: bb.Samples) -> dict:
    pages, normalised = [], []
    for k, values in loaded.browser.items():
        if k not in alone.browser:
            continue
        before, after = bb.stats(alone.browser[k]), bb.stats(values)
        role, page, how = k.split("|")
        pages.append({"role": role, "page": page, "how": how, "alone": before, "under_load": after,
                      "ratio_median": round(after["median_ms"] / before["median_ms"], 2),
                      "ratio_p95": round(after["p95_ms"] / before["p95_ms"], 2)})
        normalised += [v / before["median_ms"] for v in values]
    worst = max(pages, key=lambda p: p["ratio_p95"]) if pages else None
    return {"pages": pages, "target": "each page's p95 under load <= 2x its p95 alone",
            "met": bool(pages) and all(p["ratio_p95"] <= 2 for p in pages),
            "worst": worst and f"{worst['role']}: {worst['page']} ({worst['how']}) {worst['ratio_p95']}x",
            "all_pages_p95_over_median_alone": round(bb.percentile(normalised, 0.95), 2) if normalised else None}


def server_figures(runs: list[dict], rss_peaks: dict[int, float], servers: list[bb.Served]) -> dict:
    by_pid: dict[int, list[dict]] = {}
    for run in runs:
        by_pid.setdefault(run["pid"], []).append(run)
    per_process = {}
    for s in servers:
        mine = by_pid.get(s.process.pid, [])
        per_process[str(s.process.pid)] = {
            "runs_logged": len(mine), "run_ms": bb.stats([r["ms"] for r in mine]) if mine else None,
            "peak_rss_mb_logged": max((r["rss_mb"] for r in mine), default=None),
            "peak_rss_mb_sampled": round(rss_peaks.get(s.process.pid, 0.0), 1),
            "outcomes": {o: sum(1 for r in mine if r["outcome"] == o) for o in {r["outcome"] for r in mine}}}
    return {"all": bb.stats([r["ms"] for r in runs]) if runs else None, "processes": per_process}


def simulated_figures(sims: SimResults, counted_from: float, deadline: float, users: int) -> dict:
    counted = [r for r in sims.runs if counted_from <= r[0] <= deadline]
    seconds = max(1e-9, deadline - counted_from)
    return {"users": users, "connected": sims.connected, "errors": sims.errors[:20], "error_count": len(sims.errors),
            "runs_counted": len(counted), "runs_per_second": round(len(counted) / seconds, 2),
            "run_ms": bb.stats([r[2] for r in counted]) if counted else None, "think_s": list(THINK_S)}


# ---------------------------------------------------------------- the whole run


def copy_to_postgres(database: Path, cluster_url: str) -> str:
    import psycopg

    with psycopg.connect(cluster_url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS carecoord_load WITH (FORCE)")
        admin.execute("CREATE DATABASE carecoord_load")
    target = cluster_url.rsplit("/", 1)[0] + "/carecoord_load"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "carecoord.cli", "--db", str(database), "copy", "--to", target],
                   cwd=bb.ROOT, check=True, capture_output=True, text=True)
    print(f"copied into PostgreSQL in {time.perf_counter() - started:.1f} s", flush=True)
    return target


def run(args) -> dict:
    from carecoord.clock import utcnow
    from tests.postgres import start_cluster

    started = time.perf_counter()
    report: dict = {"kind": "load", "scale": args.scale, "date": utcnow().isoformat(timespec="seconds"),
                    "settings": {"seconds": args.seconds, "ramp_s": RAMP_S, "think_s": list(THINK_S),
                                 "browsers": args.browsers, "users": args.users, "alone_rounds": args.alone_rounds},
                    **bb.machine_and_load()}
    own_dir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="carecoord-load-")) if own_dir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = start_cluster({"max_connections": "200", "shared_buffers": "1GB"})
    try:
        cluster_url = next(cluster)
        now = utcnow().replace(microsecond=0)
        database, built = bb.build_database(args.scale, workdir, now)
        every_role = {r.name: r for r in bb.roles(database, built)}
        roles = [every_role[name] for name in BROWSER_ROLES[:args.browsers]]
        people_count = args.users - len(roles)
        sim_people = simulated_people(database, built, {r.person_id for r in roles}, people_count)
        database_url = copy_to_postgres(database, cluster_url)
        tokens = {r.person_id: bb.issue_token(database_url, r.person_id) for r in roles}
        sim_users = [SimUser(pid, bb.issue_token(database_url, pid), pages) for pid, pages in sim_people]
        report["roles"] = [{"role": r.name, "pages": len(r.pages)} for r in roles]
        report["configurations"] = []
        for name, processes in (("one process", 1), ("two processes behind nginx", 2)):
            if args.only and args.only not in name:
                continue
            report["configurations"].append(
                run_configuration(name, processes, database_url, roles, tokens, sim_users, args, workdir))
    finally:
        cluster.close()
        if own_dir and not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    report["load_after"] = bb.machine_and_load()["load"]
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def print_report(report: dict) -> None:
    for config in report["configurations"]:
        b, s, sim = config["browsers"], config["server"], config["simulated"]
        print(f"\n== {config['configuration']} ({report['scale']}, {sim['users'] + len(report['roles'])} users: "
              f"{len(report['roles'])} browsers + {sim['users']} simulated, {config['seconds_counted']} s counted)")
        print(f"{'role':<16} {'page':<26} {'how':<5} {'alone p50/p95':>15} {'load p50/p95':>15} {'x p50':>6} "
              f"{'x p95':>6}")
        for p in b["pages"]:
            print(f"{p['role'][:16]:<16} {p['page'][:26]:<26} {p['how']:<5} "
                  f"{p['alone']['median_ms']:>7.0f}/{p['alone']['p95_ms']:<7.0f} "
                  f"{p['under_load']['median_ms']:>7.0f}/{p['under_load']['p95_ms']:<7.0f} "
                  f"{p['ratio_median']:>5.2f}x {p['ratio_p95']:>5.2f}x{'  over' if p['ratio_p95'] > 2 else ''}")
        print(f"target {b['target']}: {'MET' if b['met'] else 'MISSED'}; worst {b['worst']}; "
              f"all pages' p95 / their median alone {b['all_pages_p95_over_median_alone']}x")
        if s["all"]:
            print(f"server runs (run log): {s['all']['n']} runs, p50 {s['all']['median_ms']} ms, "
                  f"p95 {s['all']['p95_ms']} ms")
        for pid, proc in s["processes"].items():
            run_ms = proc["run_ms"] or {}
            print(f"  process {pid}: {proc['runs_logged']} runs, p50 {run_ms.get('median_ms')} ms, "
                  f"p95 {run_ms.get('p95_ms')} ms, peak RSS {proc['peak_rss_mb_logged']} MB logged / "
                  f"{proc['peak_rss_mb_sampled']} MB sampled")
        run_ms = sim["run_ms"] or {}
        print(f"simulated users: {sim['connected']}/{sim['users']} connected, {sim['runs_per_second']} runs/s, "
              f"run p50 {run_ms.get('median_ms')} ms p95 {run_ms.get('p95_ms')} ms, {sim['error_count']} errors")
        if config.get("cores_used"):
            print("cores used over the counted load: " + ", ".join(f"{kind} {cores}" for kind, cores in
                                                                     sorted(config["cores_used"].items())))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--seconds", type=float, default=180, help="load counted per configuration (default 180)")
    parser.add_argument("--browsers", type=int, default=4, choices=range(1, 5), help="browser sessions (at most 4)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users in all, browsers included (50)")
    parser.add_argument("--alone-rounds", type=int, default=3, help="rounds of each role's pages alone (default 3)")
    parser.add_argument("--think", type=float, nargs=2, default=list(DEFAULT_THINK_S), metavar=("MIN", "MAX"),
                        help="a simulated user's pause between pages, seconds (default "
                             f"{DEFAULT_THINK_S[0]:g} {DEFAULT_THINK_S[1]:g})")
    parser.add_argument("--only", choices=["one process", "two processes"], help="one configuration only")
    parser.add_argument("--json", type=Path, help="default bench/results/load-<scale>.json")
    parser.add_argument("--workdir", type=Path, help="build the database and keep the logs here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    global THINK_S
    THINK_S = (min(args.think), max(args.think))
    with bb.terminated_on_signal():
        report = run(args)
    print_report(report)
    path = bb.save(report, args.json or bb.RESULTS / f"load-{args.scale}.json")
    print(f"\nwrote {path} ({report['seconds']:.0f} s in all)")
    return report


if __name__ == "__main__":
    main()
