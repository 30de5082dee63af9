"""What a person's lessons and case decisions say about a competency, and how each piece counted.

A module counts when every lesson in it is complete and every check in it was answered right, at
the first try or later in a review (a right retry straight after the feedback in the lesson does not
count: it shows the feedback was read). A case decision counts by how sound the option chosen the
first time was: strong counts in full, partial counts half, weak does not count. A replay of a case
is practice; the first choice is the evidence, as the first answer is for a check.

This evidence supports a level; it never sets one (levels come from ratings, `competency.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carecoord import review
from carecoord.content.models import Case, Decision, Library, Module, Option, Phase
from carecoord.learning import Progress
from carecoord.wording import count

WEIGHT = {"strong": 1.0, "partial": 0.5, "weak": 0.0}
HOW_A_DECISION_COUNTS = {"strong": "counts", "partial": "counts half", "weak": "does not count"}


@dataclass(frozen=True)
class ModuleEvidence:
    module: Module
    lessons_done: int
    lessons: int
    checks_right: int  # right at the first try or later on review
    checks_on_review: int  # of those, right only on review
    checks: int

    @property
    def counts(self) -> bool:
        return self.lessons_done == self.lessons and self.checks_right == self.checks

    @property
    def how(self) -> str:
        if self.counts:
            tail = f" ({self.checks_on_review} of them on review)" if self.checks_on_review else ""
            return f"counts: every lesson done, every check right{tail}"
        missing = []
        if self.lessons_done < self.lessons:
            missing.append(f"{self.lessons_done} of {self.lessons} lessons done")
        if self.checks_right < self.checks:
            missing.append(f"{self.checks_right} of {self.checks} checks right at the first try or on review")
        return "does not count yet: " + ", ".join(missing)


@dataclass(frozen=True)
class DecisionEvidence:
    case: Case
    phase: Phase
    decision: Decision
    option: Option

    @property
    def weight(self) -> float:
        return WEIGHT[self.option.alignment]

    @property
    def how(self) -> str:
        return f"{self.option.alignment}: {HOW_A_DECISION_COUNTS[self.option.alignment]}"


@dataclass(frozen=True)
class CompetencyEvidence:
    code: str
    modules: tuple[ModuleEvidence, ...]
    decisions: tuple[DecisionEvidence, ...]

    @property
    def modules_counted(self) -> int:
        return sum(m.counts for m in self.modules)

    @property
    def decision_weight(self) -> float:
        return sum(d.weight for d in self.decisions)

    @property
    def summary(self) -> str:
        """One cell of a table: e.g. "1 of 3 modules; case decisions 1.5 of 2"."""
        parts = [f"{self.modules_counted} of {count(len(self.modules), 'module')}" if self.modules
                 else "no module builds it"]
        if self.decisions:
            parts.append(f"case decisions {self.decision_weight:g} of {len(self.decisions)}")
        return "; ".join(parts)


def check_right(check_id: str, progress: Progress, history: Mapping[str, Sequence[review.Answer]]) -> str | None:
    """'first' when right at the first try, 'review' when right later in a review, else None."""
    if progress.first_attempts.get(check_id):
        return "first"
    if any(a.correct and a.source == review.REVIEW for a in history.get(check_id, ())):
        return "review"
    return None


def module_evidence(module: Module, progress: Progress, history: Mapping[str, Sequence[review.Answer]]
                    ) -> ModuleEvidence:
    ways = [check_right(check.id, progress, history) for lesson in module.lessons for check in lesson.checks]
    done, total = progress.counts(module)
    return ModuleEvidence(module, done, total, sum(w is not None for w in ways), ways.count("review"), len(ways))


def decisions_made(library: Library, first_choices: Mapping[str, str]) -> list[DecisionEvidence]:
    """Each decision the person has made, with the option they chose the first time."""
    found = []
    for case in library.cases:
        for phase in case.phases:
            for decision in phase.decisions:
                option = decision.option(first_choices.get(decision.id, ""))
                if option is not None:
                    found.append(DecisionEvidence(case, phase, decision, option))
    return found


def by_competency(library: Library, progress: Progress, history: Mapping[str, Sequence[review.Answer]],
                  first_choices: Mapping[str, str]) -> dict[str, CompetencyEvidence]:
    """Every competency of the framework with the modules that build it and the decisions that evidence it."""
    if library.framework is None:
        return {}
    modules = {m.id: module_evidence(m, progress, history) for m in library.modules}
    decisions = decisions_made(library, first_choices)
    return {item.code: CompetencyEvidence(
        item.code, tuple(modules[m.id] for m in library.modules_building(item.code)),
        tuple(d for d in decisions if item.code in d.decision.competencies))
        for item in library.framework.competencies}
