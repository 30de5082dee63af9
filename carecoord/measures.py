"""Scoring the practice instruments. Pure functions; the formulas are documented in docs/measures.md.

Practice capability self-assessment (MHI-style): each theme is answered with a level 1-4, partial
or complete, worth `2 * level - (1 if partial else 0)` points (1-8). A domain (and the whole
instrument) scores `(points - n) / (7 * n) * 100` for its n themes, so all level 1 partial is 0
and all level 4 complete is 100.

Team relational coordination survey (RC-style): each respondent scores each discipline they work
with on seven dimensions (1-5). A tie is one respondent's mean over the seven; a matrix cell is
the mean tie from one discipline to another; the index and the two subscales are means over ties
between different disciplines. Nothing built from fewer than `MIN_RESPONDENTS` respondents is
shown, and the index, subscales and "as rated by others" figures are built only from cells that
are shown themselves, so a hidden cell cannot be worked out by subtraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from carecoord.content.models import RC_DIMENSIONS, CapabilityInstrument, RelationalInstrument

MIN_RESPONDENTS = 3
FEWER_THAN_MIN = f"fewer than {MIN_RESPONDENTS}"
COMMUNICATION = RC_DIMENSIONS[:4]
RELATIONSHIP = RC_DIMENSIONS[4:]


# ---------------------------------------------------------------- practice capability


@dataclass(frozen=True)
class ThemeAnswer:
    level: int  # 1-4
    complete: bool
    note: str = ""


def theme_points(level: int, complete: bool) -> int:
    """1 (level 1, partial) to 8 (level 4, complete)."""
    if not 1 <= level <= 4:
        raise ValueError(f"a theme level is 1-4, got {level}")
    return 2 * level - (0 if complete else 1)


def capability_percent(points: Iterable[int]) -> float | None:
    """(sum - n) / (7 n) * 100 over n themes' points; None for no themes."""
    values = list(points)
    if not values:
        return None
    n = len(values)
    return (sum(values) - n) / (7 * n) * 100


@dataclass(frozen=True)
class CapabilityDomainScore:
    id: str
    title: str
    answered: int
    themes: int
    percent: float | None  # None until every theme of the domain is answered


@dataclass(frozen=True)
class CapabilityScore:
    domains: tuple[CapabilityDomainScore, ...]
    answered: int
    themes: int
    overall: float | None  # None until every theme is answered

    @property
    def complete(self) -> bool:
        return self.answered == self.themes

    def domain(self, domain_id: str) -> CapabilityDomainScore | None:
        return next((d for d in self.domains if d.id == domain_id), None)


def score_capability(instrument: CapabilityInstrument, answers: Mapping[str, ThemeAnswer]) -> CapabilityScore:
    """Per-domain and overall 0-100 scores; answers to themes the instrument does not have are ignored."""
    domains = []
    every: list[int] = []
    for domain in instrument.domains:
        points = [theme_points(answers[t.id].level, answers[t.id].complete) for t in domain.themes if t.id in answers]
        every += points
        complete = len(points) == len(domain.themes)
        domains.append(CapabilityDomainScore(domain.id, domain.title, len(points), len(domain.themes),
                                             capability_percent(points) if complete else None))
    total = len(instrument.themes)
    return CapabilityScore(tuple(domains), len(every), total,
                           capability_percent(every) if len(every) == total else None)


# ---------------------------------------------------------------- relational coordination


@dataclass(frozen=True)
class SurveyResponse:
    """One respondent's answers: their discipline, and per discipline rated, a score per dimension."""

    from_discipline: str
    ratings: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Tally:
    """What the store's GROUP BY returns: per (from, to, dimension), how many scores and their sum."""

    from_discipline: str
    to_discipline: str
    dimension: str
    count: int
    total: int


def check_response(instrument: RelationalInstrument, response: SurveyResponse) -> None:
    """Refuse an incomplete or out-of-range answer (a discipline is rated on all seven dimensions or skipped)."""
    if not response.from_discipline.strip():
        raise ValueError("Say which discipline you answer as.")
    if response.from_discipline not in instrument.disciplines:
        # Only the survey's own list: a discipline typed freely could single out who answered (and be any length).
        raise ValueError("Choose the discipline you answer as from the survey's list.")
    if not response.ratings:
        raise ValueError("Rate at least one discipline you work with.")
    for discipline, scores in response.ratings.items():
        if discipline not in instrument.disciplines:
            raise ValueError(f"{discipline!r} is not one of this survey's disciplines.")
        missing = [d for d in RC_DIMENSIONS if d not in scores]
        if missing or set(scores) - set(RC_DIMENSIONS):
            raise ValueError(f"Answer all seven questions about the {discipline}, or none of them to skip it.")
        if any(not isinstance(s, int) or not 1 <= s <= 5 for s in scores.values()):
            raise ValueError(f"Every answer about the {discipline} needs a score from 1 to 5.")


def tally(responses: Iterable[SurveyResponse]) -> tuple[list[Tally], int]:
    """The same tallies the store computes in SQL, and how many respondents rated another discipline."""
    sums: dict[tuple[str, str, str], list[int]] = {}
    cross = 0
    for response in responses:
        if any(to != response.from_discipline for to in response.ratings):
            cross += 1
        for to, scores in response.ratings.items():
            for dimension, score in scores.items():
                entry = sums.setdefault((response.from_discipline, to, dimension), [0, 0])
                entry[0] += 1
                entry[1] += score
    return [Tally(f, t, d, c, s) for (f, t, d), (c, s) in sorted(sums.items())], cross


@dataclass(frozen=True)
class Shown:
    """A result and how many respondents it is built from; value is None when it may not be shown."""

    value: float | None
    respondents: int

    @property
    def shown(self) -> bool:
        return self.value is not None

    def text(self, digits: int = 2) -> str:
        return FEWER_THAN_MIN if self.value is None else f"{self.value:.{digits}f}"


def _shown(total: float, count: int, respondents: int) -> Shown:
    if respondents < MIN_RESPONDENTS or count == 0:
        return Shown(None, respondents)
    return Shown(total / count, respondents)


@dataclass(frozen=True)
class Cell:
    from_discipline: str
    to_discipline: str
    tie: Shown  # mean tie score
    communication: Shown
    relationship: Shown


@dataclass(frozen=True)
class RelationalResult:
    respondents: int
    cells: tuple[Cell, ...]  # every (from, to) pair anyone rated, shown or not
    pairs_pooled: int  # shown cells between different disciplines, which the results below pool
    index: Shown  # mean of ties between different disciplines, from shown cells
    communication: Shown
    relationship: Shown
    dimensions: dict[str, Shown]
    rated_by_others: dict[str, Shown]  # how the other disciplines rate each discipline

    def cell(self, from_discipline: str, to_discipline: str) -> Cell | None:
        return next((c for c in self.cells if c.from_discipline == from_discipline
                     and c.to_discipline == to_discipline), None)


def score_relational(instrument: RelationalInstrument, tallies: Iterable[Tally], respondents: int) -> RelationalResult:
    """Matrix, subscales, per-dimension means and the index, hiding anything from fewer than 3 respondents.

    A cell's respondents are the people who rated that pair (each rates all seven dimensions, so
    the count of any one dimension). Because every tie has seven scores, a mean of ties equals the
    mean of their scores, which is what the SQL tallies give. Results across cells pool only
    cells between different disciplines that are shown themselves (3 or more respondents each).
    """
    tallies = list(tallies)
    by_pair: dict[tuple[str, str], dict[str, Tally]] = {}
    for t in tallies:
        by_pair.setdefault((t.from_discipline, t.to_discipline), {})[t.dimension] = t
    order = {d: i for i, d in enumerate(instrument.disciplines)}

    def pair_order(pair: tuple[str, str]) -> tuple:
        return order.get(pair[0], len(order)), pair[0], order.get(pair[1], len(order)), pair[1]

    cells = []
    for pair in sorted(by_pair, key=pair_order):
        dims = by_pair[pair]
        # Every stored tie has all seven scores; anything else is treated as not showable.
        n = min(dims[d].count for d in RC_DIMENSIONS) if all(d in dims for d in RC_DIMENSIONS) else 0
        cells.append(Cell(
            pair[0], pair[1],
            tie=_pooled(dims.values(), RC_DIMENSIONS, n),
            communication=_pooled(dims.values(), COMMUNICATION, n),
            relationship=_pooled(dims.values(), RELATIONSHIP, n),
        ))
    pooled = [c for c in cells if c.tie.shown and c.from_discipline != c.to_discipline]
    pooled_pairs = {(c.from_discipline, c.to_discipline) for c in pooled}
    rows = [t for t in tallies if (t.from_discipline, t.to_discipline) in pooled_pairs]
    # Each pooled cell has 3 or more respondents, so any pooled result has too.
    n_pooled = respondents if pooled else 0
    rated_by_others = {}
    for discipline in instrument.disciplines:
        if any(c.to_discipline == discipline and c.from_discipline != discipline for c in cells):
            into = [t for t in rows if t.to_discipline == discipline]
            n_into = sum(c.tie.respondents for c in pooled if c.to_discipline == discipline)
            rated_by_others[discipline] = _pooled(into, RC_DIMENSIONS, n_into)
    return RelationalResult(
        respondents=respondents,
        cells=tuple(cells),
        pairs_pooled=len(pooled),
        index=_pooled(rows, RC_DIMENSIONS, n_pooled),
        communication=_pooled(rows, COMMUNICATION, n_pooled),
        relationship=_pooled(rows, RELATIONSHIP, n_pooled),
        dimensions={d: _pooled(rows, (d,), n_pooled) for d in RC_DIMENSIONS},
        rated_by_others=rated_by_others,
    )


def _pooled(rows: Iterable[Tally], dimensions: Iterable[str], respondents: int) -> Shown:
    wanted = set(dimensions)
    chosen = [t for t in rows if t.dimension in wanted]
    return _shown(sum(t.total for t in chosen), sum(t.count for t in chosen), respondents)


def band(score: float | None) -> str:
    """A plain-language reading of a 1-5 relational coordination score (bands from domain-notes 6.5)."""
    if score is None:
        return ""
    if score < 3.5:
        return "weak"
    if score <= 4.0:
        return "moderate"
    return "strong"
