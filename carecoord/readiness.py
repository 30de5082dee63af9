"""Team readiness: where a practice's coordinators stand against their targets, and whether that is
changing. Pure functions over the effective levels that `competency.effective_levels` gives (the
one rule every screen uses); the store only fetches candidate ratings.

A person is *at target in a domain* when the mean of their effective levels on that domain's
competencies is at or above their target (domain-notes 6.5: domain score = mean of levels).
Shares and other counts over people built from fewer than 3 people are not shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean as mean  # the same answers as statistics.mean for levels, many times faster

from carecoord.competency import Effective
from carecoord.content.models import Domain, Framework, Library, Module
from carecoord.measures import FEWER_THAN_MIN, MIN_RESPONDENTS, CapabilityScore
from carecoord.people import ROLE_LABELS

NO_EVIDENCE = "Not enough evidence"
FAR_BELOW = "More than 1 below target"
BELOW = "Up to 1 below target"
AT_TARGET = "At target"
ABOVE = "Above target"
STATUSES = (FAR_BELOW, BELOW, AT_TARGET, ABOVE, NO_EVIDENCE)  # legend order

# When a domain counts as a gap on the side-by-side view (docs/measures.md).
PEOPLE_GAP_BELOW = 0.5  # under half of the team at target in the competency domain
SYSTEM_GAP_BELOW = 50.0  # practice capability domain score under 50 of 100

# Which practice-capability domain supports each competency domain: where a practice system
# (capability) makes a competency usable in everyday work. Ids are the content's stable ids.
CAPABILITY_LINKS = {
    "FP": "family-partnership",
    "CM": "coordination-and-care-planning",
    "AS": "population-and-needs",
    "CP": "coordination-and-care-planning",
    "RL": "community-and-cross-system",
    "TR": "coordination-and-care-planning",
    "TM": "leadership-and-capacity",
    "IM": "data-and-improvement",
    "OQ": "data-and-improvement",
    "PP": "leadership-and-capacity",
}


@dataclass(frozen=True)
class Member:
    """One person on the readiness view: a trainee or lead of the practice."""

    id: int
    name: str
    roles: frozenset[str]
    discipline: str
    target: int


SIGNED_OFF_MARK = "✓"
BASES = {"self": "self-rating, provisional", "observer": "observer rating, provisional",
         "self, capped by observer": "self-rating capped by an observer's, provisional",
         "observations": "observations meet the rule, awaiting sign-off", "signed off": "signed off"}


def level_label(current: Effective | None) -> str:
    """A heatmap cell's text: the level, marked when a lead has signed it off; a dash without evidence."""
    if current is None:
        return "–"
    return f"{current.level}{SIGNED_OFF_MARK}" if current.signed_off else str(current.level)


def basis(current: Effective) -> str:
    """What a level rests on, in words."""
    return BASES.get(current.source, current.source)


def person_summaries(framework: Framework, members: Sequence[Member],
                     levels: Mapping[int, Mapping[str, Effective]], furthest: int = 3) -> list[dict[str, str]]:
    """The heatmap in one row per person, for a screen too narrow for 31 columns: how many competencies are
    at target, how many are signed off, and the ones furthest below target (no evidence counts as furthest)."""
    rows = []
    total = len(framework.competencies)
    for member in members:
        mine = levels.get(member.id, {})
        at_target = sum(e.level >= member.target for e in mine.values())
        below = sorted((item for item in framework.competencies  # lowest first; ties in framework order
                        if item.code not in mine or mine[item.code].level < member.target),
                       key=lambda item: mine[item.code].level if item.code in mine else 0)
        rows.append({"Person": member.name,
                     "At target": f"{at_target} of {total}" + (f" ({sum(e.signed_off for e in mine.values())} "
                                                              "signed off)" if any(e.signed_off for e in mine.values())
                                                              else ""),
                     "Furthest below": ", ".join(f"{item.code} {level_label(mine.get(item.code))}"
                                                 for item in below[:furthest]) or "none"})
    return rows


def status(level: float | None, target: int) -> str:
    """Where a level (or a domain mean) stands against a target."""
    if level is None:
        return NO_EVIDENCE
    if level >= target + 1:
        return ABOVE
    if level >= target:
        return AT_TARGET
    if target - level <= 1:
        return BELOW
    return FAR_BELOW


def domain_mean(domain: Domain, levels: Mapping[str, Effective]) -> float | None:
    found = [levels[c.code].level for c in domain.competencies if c.code in levels]
    return mean(found) if found else None


def count_text(count: int, of: int) -> str:
    """'3 of 8 (38%)', or 'fewer than 3' when the group is under 3 people."""
    if of < MIN_RESPONDENTS:
        return FEWER_THAN_MIN
    return f"{count} of {of} ({round(100 * count / of)}%)"


# ---------------------------------------------------------------- now


@dataclass(frozen=True)
class DomainReadiness:
    code: str
    name: str
    team: int  # everyone on the view
    at_target: int
    without_evidence: int
    below: tuple[tuple[Member, float | None], ...]  # below target or without evidence, with their mean
    modules: tuple[Module, ...]  # the modules that build this domain's competencies

    @property
    def share(self) -> float | None:
        """Share of the whole team at or above target (people without evidence are not at target)."""
        return self.at_target / self.team if self.team >= MIN_RESPONDENTS else None

    @property
    def text(self) -> str:
        return count_text(self.at_target, self.team)


def domain_readiness(library: Library, members: Sequence[Member],
                     levels: Mapping[int, Mapping[str, Effective]]) -> list[DomainReadiness]:
    framework = library.framework
    result = []
    for domain in framework.domains if framework else ():
        at, missing, below = 0, 0, []
        for member in members:
            value = domain_mean(domain, levels.get(member.id, {}))
            if value is None:
                missing += 1
                below.append((member, None))
            elif value >= member.target:
                at += 1
            else:
                below.append((member, value))
        modules: dict[str, Module] = {}
        for item in domain.competencies:
            for module in library.modules_building(item.code):
                modules.setdefault(module.id, module)
        result.append(DomainReadiness(domain.code, domain.name, len(members), at, missing, tuple(below),
                                      tuple(modules.values())))
    return result


# ---------------------------------------------------------------- over rounds


@dataclass(frozen=True)
class RoundPoint:
    """One person at the close of one of their rounds, with their effective levels as of then."""

    person_id: int
    round_months: int
    as_of: datetime
    target: int
    levels: Mapping[str, Effective]


@dataclass(frozen=True)
class RoundShare:
    round_months: int
    domain: str
    domain_name: str
    people: int
    at_target: int

    @property
    def share(self) -> float | None:
        return self.at_target / self.people if self.people >= MIN_RESPONDENTS else None

    @property
    def text(self) -> str:
        return count_text(self.at_target, self.people)


def growth_by_round(framework: Framework, points: Iterable[RoundPoint]) -> list[RoundShare]:
    """Per round and domain: of the people assessed in that round, how many were at target then.

    Each person's level at a round is the effective level (the one rule) as of the last assessment
    they had in that round.
    """
    counts: dict[tuple[int, str], list[int]] = {}
    for point in points:
        for domain in framework.domains:
            value = domain_mean(domain, point.levels)
            if value is None:
                continue
            entry = counts.setdefault((point.round_months, domain.code), [0, 0])
            entry[0] += 1
            entry[1] += value >= point.target
    names = {d.code: d.name for d in framework.domains}
    order = {d.code: i for i, d in enumerate(framework.domains)}
    return [RoundShare(r, code, names[code], people, at)
            for (r, code), (people, at) in sorted(counts.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))]


def export_rows(framework: Framework, members: Sequence[Member], levels: Mapping[int, Mapping[str, Effective]]
                ) -> list[dict]:
    """One row per person and competency, for the lead's readiness download."""
    rows = []
    for member in members:
        mine = levels.get(member.id, {})
        role = ", ".join(sorted(ROLE_LABELS.get(r, r) for r in member.roles))
        for domain in framework.domains:
            for item in domain.competencies:
                current = mine.get(item.code)
                rows.append({
                    "Person": member.name, "Role": role, "Discipline": member.discipline, "Domain": domain.name,
                    "Competency code": item.code, "Competency": item.name,
                    "Level now": current.level if current else None, "Target": member.target,
                    "Against target": status(current.level if current else None, member.target),
                    "From": basis(current) if current else "not enough evidence",
                    "Signed off": ("yes" if current.signed_off else "no, provisional") if current else None,
                    "Self": current.self_level if current else None,
                    "Observer": current.observer_level if current else None,
                    "As of": current.as_of.date().isoformat() if current else None,
                })
    return rows


# ---------------------------------------------------------------- calibration


@dataclass(frozen=True)
class PersonCalibration:
    member: Member
    compared: int  # competencies with both a self and an observer rating
    mean_difference: float | None  # self minus observer

    @property
    def reading(self) -> str:
        if self.mean_difference is None:
            return "no observer rating yet"
        if self.mean_difference >= 0.5:
            return "rates self higher than observed"
        if self.mean_difference <= -0.5:
            return "rates self lower than observed"
        return "close to observed"


@dataclass(frozen=True)
class DomainCalibration:
    code: str
    name: str
    people: int
    mean_difference: float | None  # None when fewer than 3 people have both ratings here


def calibration(framework: Framework, members: Sequence[Member], levels: Mapping[int, Mapping[str, Effective]]
                ) -> tuple[list[PersonCalibration], list[DomainCalibration]]:
    """Self minus observer, per person and per domain across the team (positive: self-ratings higher)."""
    people = []
    per_domain: dict[str, list[float]] = {d.code: [] for d in framework.domains}
    for member in members:
        mine = levels.get(member.id, {})
        differences = [e.calibration for e in mine.values() if e.calibration is not None]
        people.append(PersonCalibration(member, len(differences), mean(differences) if differences else None))
        for domain in framework.domains:
            found = [mine[c.code].calibration for c in domain.competencies
                     if c.code in mine and mine[c.code].calibration is not None]
            if found:
                per_domain[domain.code].append(mean(found))
    domains = [DomainCalibration(d.code, d.name, len(per_domain[d.code]),
                                 mean(per_domain[d.code]) if len(per_domain[d.code]) >= MIN_RESPONDENTS else None)
               for d in framework.domains]
    return people, domains


# ---------------------------------------------------------------- people gaps and system gaps


@dataclass(frozen=True)
class GapRow:
    code: str
    name: str
    people: DomainReadiness
    capability_domain: str | None
    capability_title: str | None
    capability_percent: float | None

    @property
    def people_gap(self) -> bool | None:
        share = self.people.share
        return None if share is None else share < PEOPLE_GAP_BELOW

    @property
    def system_gap(self) -> bool | None:
        return None if self.capability_percent is None else self.capability_percent < SYSTEM_GAP_BELOW

    @property
    def verdict(self) -> str:
        people, system = self.people_gap, self.system_gap
        if people is None and system is None:
            return "not enough information"
        if people and system:
            return "people and system gap"
        if people:
            return "people gap" + ("" if system is not None else " (capability not measured)")
        if system:
            return "system gap" + ("" if people is not None else " (too few people to judge)")
        if people is None:
            return "no system gap (too few people to judge)"
        if system is None:
            return "no people gap (capability not measured)"
        return "no gap"


def people_and_system_gaps(readiness: Sequence[DomainReadiness], capability: CapabilityScore | None,
                           titles: Mapping[str, str]) -> list[GapRow]:
    """Each competency domain beside the practice-capability domain that supports it."""
    rows = []
    for domain in readiness:
        linked = CAPABILITY_LINKS.get(domain.code)
        score = capability.domain(linked) if capability and linked else None
        rows.append(GapRow(domain.code, domain.name, domain, linked, titles.get(linked) if linked else None,
                           score.percent if score else None))
    return rows


def gap_rows(gaps: Sequence[GapRow], narrow: bool = False) -> list[dict[str, str]]:
    """The people-and-system gaps table: five columns, or three for a phone."""
    def score(g: GapRow) -> str:
        return "–" if g.capability_percent is None else str(round(g.capability_percent))

    if narrow:
        return [{"Competency domain": g.name, "Reading": g.verdict,
                 "Team · systems": f"{g.people.text} at target; {g.capability_title or 'no capability domain'}: "
                                   f"{score(g)}"} for g in gaps]
    return [{"Competency domain": g.name, "Reading": g.verdict, "Team at target": g.people.text,
             "Capability score": score(g), "Practice capability domain": g.capability_title or "–"} for g in gaps]
