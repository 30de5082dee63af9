"""Evolving case scenarios: pure rules for playing a case (no I/O).

Care-map changes between phases, the flags a trainee's choices set, which consequences a phase
shows, the care-map exercise, the alignment summary, and the DOT text that draws a map.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from carecoord.content.models import CHILD, SECTOR_LABELS, CareMap, Case, Decision, Option, Phase, PlanOfCare

ALIGNMENT_ORDER = ("strong", "partial", "weak")


# ---------------------------------------------------------------- what changed


@dataclass(frozen=True)
class MapChange:
    joined: tuple[str, ...]  # labels
    left: tuple[str, ...]
    sectors_added: tuple[str, ...]  # sector labels
    sectors_gone: tuple[str, ...]
    size_before: int
    size_after: int

    @property
    def unchanged(self) -> bool:
        return not (self.joined or self.left)


def map_change(before: CareMap | None, after: CareMap) -> MapChange:
    """Who joined and who left the care map between two phases (matched by node id), and which sectors."""
    old = {n.id: n for n in before.nodes} if before else {}
    new = {n.id: n for n in after.nodes}
    old_sectors = {n.sector for n in old.values()}
    new_sectors = {n.sector for n in new.values()}
    order = list(SECTOR_LABELS)
    return MapChange(
        joined=tuple(new[i].label for i in new if i not in old),
        left=tuple(old[i].label for i in old if i not in new),
        sectors_added=tuple(SECTOR_LABELS[s] for s in order if s in new_sectors - old_sectors),
        sectors_gone=tuple(SECTOR_LABELS[s] for s in order if s in old_sectors - new_sectors),
        size_before=len(old),
        size_after=len(new),
    )


def previous_phase(case: Case, phase: Phase) -> Phase | None:
    index = case.phases.index(phase)
    return case.phases[index - 1] if index > 0 else None


# ---------------------------------------------------------------- choices, flags and consequences


def chosen_options(case: Case, choices: dict[str, str]) -> list[tuple[Phase, Decision, Option]]:
    """The options picked, in case order (choices maps decision id -> option id)."""
    picked = []
    for phase in case.phases:
        for decision in phase.decisions:
            option = decision.option(choices.get(decision.id, ""))
            if option is not None:
                picked.append((phase, decision, option))
    return picked


def flags_before(case: Case, phase: Phase, choices: dict[str, str]) -> set[str]:
    """Flags set by options chosen in phases before this one."""
    earlier = set(case.phases[: case.phases.index(phase)])
    return {flag for p, _, option in chosen_options(case, choices) if p in earlier for flag in option.sets}


def all_flags(case: Case, choices: dict[str, str]) -> set[str]:
    return {flag for _, _, option in chosen_options(case, choices) for flag in option.sets}


def holds(when: tuple[str, ...], flags: set[str]) -> bool:
    """Whether a condition holds: every term's flag set, or not set for a "not" term."""
    return all((term[4:] not in flags) if term.startswith("not ") else (term in flags) for term in when)


def consequences_for(case: Case, phase: Phase, choices: dict[str, str]) -> list[str]:
    flags = flags_before(case, phase, choices)
    return [c.text for c in phase.consequences if holds(c.when, flags)]


def outcomes_for(case: Case, choices: dict[str, str]) -> list[str]:
    """How things turned out, read from every choice of the attempt (shown with the summary)."""
    flags = all_flags(case, choices)
    return [c.text for c in case.outcomes if holds(c.when, flags)]


def as_shown(case: Case, phase: Phase, choices: dict[str, str]) -> Phase:
    """The phase as this attempt's earlier choices left it."""
    return in_state(phase, flags_before(case, phase, choices))


def offered(case: Case, phase: Phase, decision: Decision, choices: dict[str, str]) -> tuple[Option, ...]:
    """The options a decision offers after these earlier choices."""
    flags = flags_before(case, phase, choices)
    return tuple(o for o in decision.options if holds(o.when, flags))


def in_state(phase: Phase, flags: set[str]) -> Phase:
    """The phase with these flags raised: the map's people and links, the plan's items, the options each
    decision offers and the consequences, each kept only while its condition holds."""
    nodes = tuple(n for n in phase.care_map.nodes if holds(n.when, flags))
    present = {n.id for n in nodes} | {CHILD}
    links = tuple(link for link in phase.care_map.links
                  if holds(link.when, flags) and link.source in present and link.to in present)
    actions = tuple(a for a in phase.plan_of_care.actions if holds(a.when, flags))
    decisions = tuple(d.model_copy(update={"options": tuple(o for o in d.options if holds(o.when, flags))})
                      for d in phase.decisions)
    return phase.model_copy(update={
        "care_map": phase.care_map.model_copy(update={"nodes": nodes, "links": links}),
        "plan_of_care": phase.plan_of_care.model_copy(update={"actions": actions}),
        "decisions": decisions, "consequences": tuple(c for c in phase.consequences if holds(c.when, flags))})


def phase_done(phase: Phase, choices: dict[str, str], drafts: Mapping[str, PlanDraft] | None = None) -> bool:
    """Every decision made and, where the phase asks for one, the plan drafted and compared."""
    if phase.plan_exercise is not None:
        draft = (drafts or {}).get(phase.id)
        if draft is None or draft.comparison is None:
            return False
    return all(d.id in choices for d in phase.decisions)


# ---------------------------------------------------------------- the plan the trainee drafts

MAX_DRAFT_CHARS = 3000  # each of the three boxes
MAX_DRAFT_ACTIONS = 15
COMPARE_MARKS = {"yes": "In my draft", "partly": "Partly", "no": "Not in my draft"}


@dataclass(frozen=True)
class DraftAction:
    action: str
    who: str
    by_when: str


@dataclass(frozen=True)
class PlanDraft:
    phase_id: str
    family_goals: str
    team_concerns: str
    actions: tuple[DraftAction, ...]
    drafted_at: datetime
    comparison: dict[str, str] | None = None  # the case plan's action text -> a COMPARE_MARKS key
    compared_at: datetime | None = None


def parse_actions(text: str) -> tuple[DraftAction, ...]:
    """The actions box: one action per line, "what; who; by when". Raises ValueError naming the line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"Line {number}: write the action, who does it and by when, separated by two "
                             f"semicolons (for example: Book the school meeting; Ana; by 1 March).")
        found.append(DraftAction(*parts))
    if not found:
        raise ValueError("Write at least one action: what; who; by when.")
    if len(found) > MAX_DRAFT_ACTIONS:
        raise ValueError(f"Keep to {MAX_DRAFT_ACTIONS} actions or fewer: a plan a family can hold.")
    return tuple(found)


@dataclass(frozen=True)
class Comparison:
    covered: int
    partly: int
    missed: int
    total: int


def compare(draft: PlanDraft, plan: PlanOfCare) -> Comparison | None:
    """How the draft compared with the case's plan, item by item, as the trainee marked it."""
    if draft.comparison is None:
        return None
    marks = [draft.comparison.get(a.action, "no") for a in plan.actions]
    return Comparison(marks.count("yes"), marks.count("partly"), marks.count("no"), len(marks))


def resume_phase(case: Case, reached_index: int) -> Phase:
    """The phase an attempt continues at."""
    return case.phases[min(max(reached_index, 0), len(case.phases) - 1)]


# ---------------------------------------------------------------- the care-map exercise


@dataclass(frozen=True)
class MapExerciseResult:
    found: tuple[str, ...]  # labels that belong and were picked
    missed: tuple[str, ...]  # labels that belong but were not picked
    wrong: tuple[tuple[str, str], ...]  # (label, why it does not belong) picked wrongly

    @property
    def score(self) -> float:
        total = len(self.found) + len(self.missed)
        return (len(self.found) - len(self.wrong)) / total if total else 0.0


def map_exercise_choices(phase: Phase) -> list[str]:
    """Everyone on the map plus the distractors, in a stable mixed order (by label)."""
    if phase.map_exercise is None:
        return []
    labels = [n.label for n in phase.care_map.nodes] + [d.label for d in phase.map_exercise.distractors]
    return sorted(labels, key=str.casefold)


def mark_map_exercise(phase: Phase, picked: set[str]) -> MapExerciseResult:
    belongs = [n.label for n in phase.care_map.nodes]
    why_not = {d.label: d.why_not for d in phase.map_exercise.distractors} if phase.map_exercise else {}
    return MapExerciseResult(
        found=tuple(label for label in belongs if label in picked),
        missed=tuple(label for label in belongs if label not in picked),
        wrong=tuple((label, why_not[label]) for label in sorted(picked) if label in why_not),
    )


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class AttemptSummary:
    alignment_counts: dict[str, int]
    competencies: tuple[str, ...]  # evidenced by the decisions made, in first-seen order
    decisions_made: int
    decisions_total: int


def summarise(case: Case, choices: dict[str, str]) -> AttemptSummary:
    picked = chosen_options(case, choices)
    counts = Counter(option.alignment for _, _, option in picked)
    codes: list[str] = []
    for _, decision, _ in picked:
        codes.extend(code for code in decision.competencies if code not in codes)
    return AttemptSummary(
        alignment_counts={a: counts.get(a, 0) for a in ALIGNMENT_ORDER},
        competencies=tuple(codes),
        decisions_made=len(picked),
        decisions_total=sum(len(p.decisions) for p in case.phases),
    )


# ---------------------------------------------------------------- drawing the map

SECTOR_COLOURS = {  # Okabe-Ito based, light fills so dark text stays readable
    "family": "#F9D9A6", "primary_care": "#B9DDF1", "specialty": "#D9C4E6", "hospital": "#F4C1B8",
    "home_nursing_equipment": "#FBE9A0", "therapies": "#C3E6D8", "early_intervention": "#D6EBC2",
    "school": "#F6D0E4", "mental_health": "#CFD8F2", "community": "#E3E3E3", "payer": "#E8D9C5",
    "adult_care": "#BFE3E0",
}
QUALITY_STYLES = {"strong": "penwidth=2.4", "ok": "penwidth=1.2", "strained": 'style=dashed, color="#B35900"',
                  "missing": 'style=dotted, color="#B00020"'}


def _quote(text: str, wrap: int | None = None) -> str:
    """A DOT string literal; long labels are wrapped onto several lines."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    if wrap:
        escaped = "\\n".join(textwrap.wrap(escaped, wrap, break_long_words=False)) or escaped
    return f'"{escaped}"'


def sector_key_html(sectors: list[str]) -> str:
    """The care map's colour key: a swatch and the sector's name for each sector shown (constant text only)."""
    items = "".join(f'<li><span style="display:inline-block;width:0.9em;height:0.9em;border:1px solid #5A6B69;'
                    f'background:{SECTOR_COLOURS[s]};margin-right:0.35em;vertical-align:-0.1em"></span>'
                    f"{SECTOR_LABELS[s]}</li>" for s in sectors)
    return ('<div><strong>Colour key</strong><ul style="list-style:none;padding:0;margin:0.2em 0;display:flex;'
            f'flex-wrap:wrap;gap:0.3em 1.2em">{items}</ul></div>')


def unlinked(care_map: CareMap) -> list[str]:
    """Labels of the people and services on the map with no link to anyone (the family aside, who sit with the child)."""
    linked = {end for link in care_map.links for end in (link.source, link.to)}
    return [n.label for n in care_map.nodes if n.id not in linked and n.sector != "family"]


def only_sectors(care_map: CareMap, sectors: set[str]) -> CareMap:
    """The map with only the people of these sectors (and the links among them and the child)."""
    kept = {n.id for n in care_map.nodes if n.sector in sectors} | {CHILD}
    return care_map.model_copy(update={
        "nodes": tuple(n for n in care_map.nodes if n.id in kept),
        "links": tuple(link for link in care_map.links if link.source in kept and link.to in kept)})


def care_map_dot(care_map: CareMap, child_name: str) -> str:
    """Graphviz DOT for a care map: the child at the centre, family beside them, sectors by colour.
    People with no link to anyone are drawn with a dashed border."""
    lines = ["graph caremap {", '  layout=twopi; root=child; ranksep=1.4; overlap=false; splines=true;',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=14, color="#5A6B69"];',
             '  edge [color="#5A6B69"];',
             f'  child [label={_quote(child_name, 16)}, shape=ellipse, fillcolor="#0B6E69", fontcolor="white", '
             "fontsize=16];"]
    linked = {end for link in care_map.links for end in (link.source, link.to)}
    for node in care_map.nodes:
        alone = ', style="rounded,filled,dashed"' if node.id not in linked and node.sector != "family" else ""
        lines.append(f"  {_quote(node.id)} [label={_quote(node.label, 22)}, "
                     f"fillcolor=\"{SECTOR_COLOURS[node.sector]}\"{alone}];")
    for node in care_map.nodes:  # keep unlinked people on the map, in the ring around the child
        if node.id not in linked and node.sector != "family":
            lines.append(f"  child -- {_quote(node.id)} [style=invis];")
    family = [n.id for n in care_map.nodes if n.sector == "family"]
    for member in family:  # family sit next to the child even without an explicit link
        if not any({link.source, link.to} == {member, CHILD} for link in care_map.links):
            lines.append(f"  child -- {_quote(member)} [len=1.2, color=\"#0B6E69\"];")
    for link in care_map.links:
        style = QUALITY_STYLES.get(link.quality or "ok", "")
        lines.append(f"  {_quote(link.source)} -- {_quote(link.to)} [{style}];")
    lines.append("}")
    return "\n".join(lines)


def care_map_rows(care_map: CareMap) -> list[dict]:
    """The same map as a table, by sector, for reading without the picture."""
    labels = {n.id: n.label for n in care_map.nodes}
    rows = []
    for node in sorted(care_map.nodes, key=lambda n: list(SECTOR_LABELS).index(n.sector)):
        ties = [(labels.get(link.to if link.source == node.id else link.source, "the child"), link)
                for link in care_map.links if node.id in (link.source, link.to)]
        rows.append({
            "Sector": SECTOR_LABELS[node.sector],
            "Who": node.label,
            "Linked with": "; ".join(f"{other} ({link.label or 'linked'}"
                                     f"{', ' + link.quality if link.quality else ''})" for other, link in ties)
                           or ("the child" if node.sector == "family" else "no one yet"),
        })
    return rows


def alt_text(care_map: CareMap, child_name: str) -> str:
    counts = Counter(SECTOR_LABELS[n.sector] for n in care_map.nodes)
    weak = sum(1 for link in care_map.links if link.quality in ("strained", "missing"))
    parts = ", ".join(f"{count} {sector.lower()}" for sector, count in counts.most_common())
    return (f"Care map around {child_name}: {len(care_map.nodes)} people and organisations ({parts}); "
            f"{len(care_map.links)} links, {weak} of them strained or missing.")
