"""Where the lead's Team readiness page spends its time, piece by piece, outside Streamlit.

The page is far above its target; these figures say which part of it is the store, which the pure
domain code and which the charts, so the next change is aimed at the right place. The cells and
rows are built the way carecoord/ui/app_pages/team_readiness.py builds them.
"""

from __future__ import annotations

from carecoord import charts, competency, readiness, team_charts
from carecoord.db import connect
from carecoord.store import accounts, readiness as readiness_store

from bench.timing import Stats, measure


def readiness_page_parts(path, practice_id: int, lead_id: int, library, now, *, repeats: int, warmup: int
                         ) -> dict[str, tuple[str, Stats]]:
    db = connect(path)
    framework = library.framework
    lead = accounts.load_person(db, lead_id)
    members = readiness_store.team_members(db, lead, practice_id, framework)
    levels = readiness_store.team_levels(db, lead, practice_id, now, framework)
    points = readiness_store.round_points(db, lead, practice_id, members, now)
    shares = readiness.growth_by_round(framework, points)

    def heatmap():
        cells = []
        for member in members:
            mine = levels.get(member.id, {})
            for item in framework.competencies:
                current = mine.get(item.code)
                cells.append({"person": member.name, "column": item.code,
                              "status": readiness.status(current.level if current else None, member.target),
                              "target": member.target, "label": str(current.level) if current else "–",
                              "detail": f"{item.code} {item.name}"})
        return cells, charts.vega_lite_spec(team_charts.readiness_heatmap, title="Team readiness by competency",
                                            column_title="Competency", many_columns=True)

    def share_chart():
        rows = [{"domain": s.domain_name, "round": competency.round_label(s.round_months),
                 "round_months": s.round_months, "share": round(100 * s.share, 1), "text": s.text}
                for s in shares if s.share is not None]
        return rows, charts.vega_lite_spec(team_charts.share_by_round_chart,
                                           domain_order=tuple(d.name for d in framework.domains))

    parts = {
        "anatomy_round_points": ("store: candidate ratings at the close of every round",
                                 lambda: readiness_store.round_points(db, lead, practice_id, members, now)),
        "anatomy_growth_by_round": ("domain: growth_by_round (the rule at every round close)",
                                    lambda: readiness.growth_by_round(framework, points)),
        "anatomy_domain_and_calibration": ("domain: domain_readiness + calibration",
                                           lambda: (readiness.domain_readiness(library, members, levels),
                                                    readiness.calibration(framework, members, levels))),
        "anatomy_heatmap": ("charts: heatmap cells and spec (built once per process)", heatmap),
        "anatomy_share_chart": ("charts: share-by-round rows and spec (built once per process)", share_chart),
    }
    try:
        return {key: (label, measure(fn, repeats=repeats, warmup=warmup)) for key, (label, fn) in parts.items()}
    finally:
        db.conn.close()


def readiness_data_parts(db, practice_id: int, lead_id: int, library, now, *, repeats: int, warmup: int
                         ) -> dict[str, dict]:
    """One practice's readiness data (`team_levels` with the framework) piece by piece: the three queries it
    runs, and the whole with and without the framework (observations and sign-offs, or ratings alone).
    What is left of the whole after the queries is the rule in Python."""
    from carecoord.store import observations

    framework = library.framework
    lead = accounts.load_person(db, lead_id)
    window = framework.achievement.window_days
    parts = {
        "members": lambda: readiness_store.team_members(db, lead, practice_id, framework),
        "query_ratings": lambda: readiness_store._recent(db, practice_id, now),
        "query_observations": lambda: observations.team_observed(db, lead, practice_id, now, window),
        "query_sign_offs": lambda: observations.team_sign_offs(db, lead, practice_id),
        "levels_ratings_only": lambda: readiness_store.team_levels(db, lead, practice_id, now),
        "levels_with_observations": lambda: readiness_store.team_levels(db, lead, practice_id, now, framework),
    }
    found = {}
    for key, fn in parts.items():
        stats = measure(fn, repeats=repeats, warmup=warmup)
        found[key] = {"median_ms": stats.median_ms, "p95_ms": stats.p95_ms}
    queries = sum(found[k]["median_ms"] for k in ("query_ratings", "query_observations", "query_sign_offs"))
    found["rule_in_python_ms"] = round(found["levels_with_observations"]["median_ms"] - queries, 2)
    return found
