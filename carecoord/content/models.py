"""The content library as immutable, validated models (no I/O here)."""

from __future__ import annotations

import re
import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CODE_PATTERN = r"^[A-Z]{2}[0-9]{1,2}$"
DOMAIN_PATTERN = r"^[A-Z]{2}$"


class Strict(BaseModel):
    """Content models: unknown keys are errors, and nothing changes after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ---------------------------------------------------------------- the competency framework


class Level(Strict):
    level: int = Field(ge=1, le=5)
    name: str = Field(min_length=1)


class Competency(Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    description: str = ""
    anchors: dict[int, str]
    # The same levels in an observer's words: what you would see the person do.
    observed: dict[int, str] = Field(default_factory=dict)

    @field_validator("anchors")
    @classmethod
    def _anchor_levels(cls, anchors: dict[int, str]) -> dict[int, str]:
        if sorted(anchors) != [1, 2, 3, 4, 5]:
            raise ValueError(f"needs one anchor for each level 1-5, got levels {sorted(anchors)}")
        if any(not text.strip() for text in anchors.values()):
            raise ValueError("an anchor is empty")
        return anchors

    @field_validator("observed")
    @classmethod
    def _observed_levels(cls, observed: dict[int, str]) -> dict[int, str]:
        if observed and sorted(observed) != [1, 2, 3, 4, 5]:
            raise ValueError(f"observer wording needs each level 1-5, got levels {sorted(observed)}")
        if any(not text.strip() for text in observed.values()):
            raise ValueError("an observer wording is empty")
        return observed

    def observer_wording(self, level: int) -> str:
        """What an observer would see at this level (the anchor itself where no observer wording is given)."""
        return self.observed.get(level) or self.anchors[level]


class Crosswalk(Strict):
    antonelli_2009: tuple[str, ...] = ()
    nashp_2020: tuple[str, ...] = ()
    atlas_2014: tuple[str, ...] = ()


class Domain(Strict):
    code: str = Field(pattern=DOMAIN_PATTERN)
    name: str = Field(min_length=1)
    description: str = ""
    crosswalk: Crosswalk = Crosswalk()
    competencies: tuple[Competency, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_belong_to_domain(self) -> Domain:
        for competency in self.competencies:
            if not competency.code.startswith(self.code):
                raise ValueError(f"competency {competency.code} does not start with its domain code {self.code}")
        return self


class AchievementRule(Strict):
    """When observations show a level is achieved (docs/effective-level.md). A programme sets these in the
    framework file; the defaults are the ones this framework ships with."""

    min_observations: int = Field(default=3, ge=1, le=20)
    min_assessors: int = Field(default=2, ge=1, le=10)
    window_days: int = Field(default=365, ge=30, le=1100)
    # reach: at least min_observations observations reach the level; mean_of_latest: the mean of the latest
    # min_observations observations, rounded down.
    combine: Literal["reach", "mean_of_latest"] = "reach"
    request_expires_days: int = Field(default=30, ge=1, le=365)

    @model_validator(mode="after")
    def _assessors_fit(self) -> AchievementRule:
        if self.min_assessors > self.min_observations:
            raise ValueError("min_assessors cannot be more than min_observations")
        return self


class FrameworkChange(Strict):
    """One entry of the framework's history: what a version changed, and why."""

    version: int = Field(ge=1)
    date: dt.date
    summary: str = Field(min_length=1)


class Framework(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    version: int = 1
    levels: tuple[Level, ...]
    targets: dict[str, int] = Field(default_factory=dict)
    retired: tuple[str, ...] = ()
    achievement: AchievementRule = AchievementRule()
    # Ratings keep the version they were made against (assessment.framework_version); the history says what
    # each version changed, so a reader of an old rating knows what its anchors said.
    history: tuple[FrameworkChange, ...] = ()
    domains: tuple[Domain, ...] = Field(min_length=1)

    @field_validator("history")
    @classmethod
    def _history_in_order(cls, history: tuple[FrameworkChange, ...]) -> tuple[FrameworkChange, ...]:
        versions = [change.version for change in history]
        if versions != sorted(set(versions)):
            raise ValueError("history entries need distinct versions, oldest first")
        return history

    @model_validator(mode="after")
    def _history_reaches_version(self) -> Framework:
        if self.history and self.history[-1].version != self.version:
            raise ValueError(f"the newest history entry is version {self.history[-1].version}, "
                             f"but the framework is version {self.version}")
        return self

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: tuple[Level, ...]) -> tuple[Level, ...]:
        if [lv.level for lv in levels] != [1, 2, 3, 4, 5]:
            raise ValueError("levels must be 1, 2, 3, 4, 5 in order")
        return levels

    @field_validator("targets")
    @classmethod
    def _targets_on_scale(cls, targets: dict[str, int]) -> dict[str, int]:
        for role, level in targets.items():
            if not 1 <= level <= 5:
                raise ValueError(f"target for {role} must be a level 1-5, got {level}")
        return targets

    @model_validator(mode="after")
    def _codes_unique(self) -> Framework:
        seen: set[str] = set()
        for competency in self.competencies:
            if competency.code in seen:
                raise ValueError(f"competency code {competency.code} appears twice")
            if competency.code in self.retired:
                raise ValueError(f"competency code {competency.code} is retired and cannot be reused")
            seen.add(competency.code)
        return self

    @property
    def competencies(self) -> tuple[Competency, ...]:
        return tuple(c for d in self.domains for c in d.competencies)

    def competency(self, code: str) -> Competency | None:
        return next((c for c in self.competencies if c.code == code), None)

    def domain_of(self, code: str) -> Domain | None:
        return next((d for d in self.domains if any(c.code == code for c in d.competencies)), None)


# ---------------------------------------------------------------- curriculum


CHOICE_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Choice(Strict):
    # Answers are recorded by id, never by the position a person saw (choices are shown shuffled).
    # Without an id, a choice is named by its letter in file order: give ids before reordering.
    id: str = Field(default="", pattern=r"^$|" + ID_PATTERN)
    text: str = Field(min_length=1)
    correct: bool = False
    feedback: str = Field(min_length=1)
    fixed_order: bool = False  # stays at its place in the file (e.g. "none of the above" last)


class Check(Strict):
    id: str = Field(pattern=ID_PATTERN)
    prompt: str = Field(min_length=1)
    multiple: bool = False
    choices: tuple[Choice, ...] = Field(min_length=2, max_length=len(CHOICE_LETTERS))

    @field_validator("choices")
    @classmethod
    def _every_choice_named(cls, choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
        named = tuple(c if c.id else c.model_copy(update={"id": CHOICE_LETTERS[i]}) for i, c in enumerate(choices))
        ids = [c.id for c in named]
        if len(ids) != len(set(ids)):
            raise ValueError(f"choice ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        return named

    @model_validator(mode="after")
    def _right_number_correct(self) -> Check:
        correct = sum(c.correct for c in self.choices)
        if not self.multiple and correct != 1:
            raise ValueError(f"a single-answer check needs exactly one correct choice, has {correct}")
        if self.multiple and correct < 1:
            raise ValueError("a multiple-answer check needs at least one correct choice")
        return self

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices if c.correct)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


class FromFile(Strict):
    """Where a loaded item came from: its file (relative to the content root) and a hash of its bytes."""

    path: str
    content_hash: str


class LessonMeta(Strict):
    """A lesson's front matter."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    order: int = Field(ge=0)
    minutes: int = Field(ge=1, le=600)
    renamed_from: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()


class Lesson(LessonMeta, FromFile):
    module_id: str
    body: str


class FolderHead(Strict):
    """The front matter a module (module.md) and a case (case.md) have in common."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    objectives: tuple[str, ...] = Field(min_length=1)
    competencies: tuple[str, ...] = ()
    minutes: int = Field(ge=1, le=6000)
    sources: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()
    # When it was last read against docs/content-checklist.md (quality warns when it is missing).
    reviewed: dt.date | None = None


class ModuleMeta(FolderHead):
    """A module's front matter."""

    order: int = Field(ge=0)
    facilitator_notes: str = ""


class Module(ModuleMeta, FromFile):
    intro: str
    lessons: tuple[Lesson, ...] = ()


class Track(Strict):
    """A named, ordered set of modules a lead can assign in one step (curriculum/tracks.yaml)."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    modules: tuple[str, ...] = Field(min_length=1)


class TracksFile(Strict):
    tracks: tuple[Track, ...] = ()


# ---------------------------------------------------------------- the library


class ContentError(Strict):
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class Library(Strict):
    """Everything loaded from the content root, plus the errors of whatever could not be loaded."""

    root: str
    framework: Framework | None = None
    modules: tuple[Module, ...] = ()
    tracks: tuple[Track, ...] = ()
    cases: tuple["Case", ...] = ()
    instruments: tuple["CapabilityInstrument | RelationalInstrument", ...] = ()
    errors: tuple[ContentError, ...] = ()

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def case(self, case_id: str) -> "Case | None":
        return next((c for c in self.cases if c.id == case_id), None)

    def instrument(self, instrument_id: str) -> "CapabilityInstrument | RelationalInstrument | None":
        return next((i for i in self.instruments if i.id == instrument_id), None)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return tuple(lesson for m in self.modules for lesson in m.lessons)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def module_of(self, lesson: Lesson) -> Module:
        module = self.module(lesson.module_id)
        assert module is not None
        return module

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        """The lessons before and after this one along the whole learning path."""
        path = self.lessons
        index = path.index(lesson)
        return (path[index - 1] if index > 0 else None, path[index + 1] if index + 1 < len(path) else None)

    def modules_building(self, code: str) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if code in m.competencies)

    def counts(self) -> dict[str, int]:
        framework = self.framework
        return {
            "modules": len(self.modules),
            "lessons": len(self.lessons),
            "checks": sum(len(lesson.checks) for lesson in self.lessons),
            "domains": len(framework.domains) if framework else 0,
            "competencies": len(framework.competencies) if framework else 0,
            "cases": len(self.cases),
            "phases": sum(len(c.phases) for c in self.cases),
            "decisions": sum(len(p.decisions) for c in self.cases for p in c.phases),
            "instruments": len(self.instruments),
            "errors": len(self.errors),
        }

    def known_ids(self) -> dict[str, str]:
        """Every id a stored record may name, mapped to what it is now ('retired' when retired)."""
        known: dict[str, str] = {}
        for module in self.modules:
            known[module.id] = module.id
            for old in module.renamed_from:
                known[old] = module.id
            for old in module.retired:
                known.setdefault(old, "retired")
            for lesson in module.lessons:
                known[lesson.id] = lesson.id
                for old in lesson.renamed_from:
                    known[old] = lesson.id
                for check in lesson.checks:
                    known[check.id] = check.id
        for case in self.cases:
            known[case.id] = case.id
            for old in case.renamed_from:
                known[old] = case.id
            for old in case.retired:
                known.setdefault(old, "retired")
            for phase in case.phases:
                known[phase.id] = phase.id
                for old in phase.renamed_from:
                    known[old] = phase.id
                for decision in phase.decisions:
                    known[decision.id] = decision.id
                    for option in decision.options:
                        known[option.id] = option.id
        for instrument in self.instruments:
            known[instrument.id] = instrument.id
        if self.framework:
            for competency in self.framework.competencies:
                known[competency.code] = competency.code
            for old in self.framework.retired:
                known.setdefault(old, "retired")
        return known


# ---------------------------------------------------------------- evolving cases

Sector = Literal["family", "primary_care", "specialty", "hospital", "home_nursing_equipment", "therapies",
                 "early_intervention", "school", "mental_health", "community", "payer", "adult_care"]
SECTOR_LABELS = {
    "family": "Family", "primary_care": "Primary care", "specialty": "Specialty care", "hospital": "Hospital",
    "home_nursing_equipment": "Home nursing and equipment", "therapies": "Therapies",
    "early_intervention": "Early intervention", "school": "School", "mental_health": "Mental health",
    "community": "Community", "payer": "Payer", "adult_care": "Adult care",
}
CHILD = "child"


_TERM = re.compile(r"^(not )?[a-z0-9]+(-[a-z0-9]+)*$")


def _as_terms(value: object) -> object:
    """`when: flag`, `when: "not flag"` or `when: [flag-a, "not flag-b"]` (all must hold), as a tuple of terms."""
    terms = (value,) if isinstance(value, str) else value
    if isinstance(terms, (list, tuple)):
        for term in terms:
            if not isinstance(term, str) or not _TERM.match(term):
                raise ValueError(f"a condition is a flag id or 'not ' and a flag id, not {term!r}")
        return tuple(terms)
    return value


# A condition on the case's state: every term holds (a flag set by an earlier choice, or "not" one).
When = Annotated[tuple[str, ...], BeforeValidator(_as_terms)]


class MapNode(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    sector: Sector
    when: When = ()  # on the map only while this holds


class MapLink(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    to: str
    label: str = ""
    quality: Literal["strong", "ok", "strained", "missing"] | None = None
    when: When = ()


class CareMap(Strict):
    nodes: tuple[MapNode, ...] = Field(min_length=1)
    links: tuple[MapLink, ...] = ()

    @model_validator(mode="after")
    def _links_join_nodes(self) -> CareMap:
        ids = [n.id for n in self.nodes]
        if len(ids) != len(set(ids)):
            raise ValueError(f"node ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        if CHILD in ids:
            raise ValueError("'child' is the centre of every map; do not list it as a node")
        for link in self.links:
            for end in (link.source, link.to):
                if end != CHILD and end not in ids:
                    raise ValueError(f"link end {end!r} is not a node of this map")
        return self


class MedicalSummary(Strict):
    diagnoses: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    emergency: str = ""


class PlanAction(Strict):
    action: str = Field(min_length=1)
    kind: Literal["family_goal", "team_concern"]
    owner: str = Field(min_length=1)
    status: Literal["not_started", "in_progress", "done"]
    when: When = ()  # in the plan only while this holds


class PlanOfCare(Strict):
    medical_summary: MedicalSummary
    actions: tuple[PlanAction, ...] = Field(min_length=1)


class Option(Strict):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    alignment: Literal["strong", "partial", "weak"]
    feedback: str = Field(min_length=1)
    sets: tuple[str, ...] = ()
    fixed_order: bool = False
    when: When = ()  # offered only while this holds


class Decision(Strict):
    id: str = Field(pattern=ID_PATTERN)
    prompt: str = Field(min_length=1)
    competencies: tuple[str, ...] = Field(min_length=1)
    options: tuple[Option, ...] = Field(min_length=2, max_length=5)

    @model_validator(mode="after")
    def _has_a_strong_option(self) -> Decision:
        # Whatever happened before, the decision offers a real choice with a sound way through it.
        always = [o for o in self.options if not o.when]
        if len(always) < 2 or not any(o.alignment == "strong" for o in always):
            raise ValueError("needs at least two options without a 'when', one of them with alignment 'strong'")
        return self

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Consequence(Strict):
    when: When = Field(min_length=1)
    text: str = Field(min_length=1)


class Distractor(Strict):
    label: str = Field(min_length=1)
    sector: Sector
    why_not: str = Field(min_length=1)


class MapExercise(Strict):
    prompt: str = Field(min_length=1)
    distractors: tuple[Distractor, ...] = Field(min_length=1)


class PlanExercise(Strict):
    """The trainee drafts the shared plan of care before seeing the team's, then compares the two."""

    prompt: str = Field(min_length=1)


class PhaseMeta(Strict):
    id: str = Field(pattern=ID_PATTERN)
    order: int = Field(ge=0)
    title: str = Field(min_length=1)
    age: str = Field(min_length=1)
    setting: str = Field(min_length=1)
    care_map: CareMap
    plan_of_care: PlanOfCare
    decisions: tuple[Decision, ...] = ()
    consequences: tuple[Consequence, ...] = ()
    map_exercise: MapExercise | None = None
    plan_exercise: PlanExercise | None = None
    reflections: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()


class Phase(PhaseMeta, FromFile):
    case_id: str
    body: str


class CaseMeta(FolderHead):
    """A case's front matter."""

    child: str = Field(min_length=1)
    family: str = Field(min_length=1)
    outcomes: tuple[Consequence, ...] = ()  # shown with the summary, read from every choice made


class Case(CaseMeta, FromFile):
    intro: str
    phases: tuple[Phase, ...] = ()

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)


# ---------------------------------------------------------------- practice instruments


class CapabilityTheme(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    levels: dict[int, str]

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != [1, 2, 3, 4]:
            raise ValueError(f"needs a description for each level 1-4, got {sorted(levels)}")
        return levels


class CapabilityDomain(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    themes: tuple[CapabilityTheme, ...] = Field(min_length=1)


class CapabilityInstrument(Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["capability"]
    title: str = Field(min_length=1)
    version: int = 1
    modelled_on: str = Field(min_length=1)
    instructions: str = ""
    domains: tuple[CapabilityDomain, ...] = Field(min_length=1)

    @property
    def themes(self) -> tuple[CapabilityTheme, ...]:
        return tuple(t for d in self.domains for t in d.themes)


RC_DIMENSIONS = ("frequency", "timeliness", "accuracy", "problem_solving", "shared_goals", "shared_knowledge",
                 "mutual_respect")


class ScaleOption(Strict):
    label: str = Field(min_length=1)
    score: int = Field(ge=1, le=5)


class Dimension(Strict):
    id: Literal["frequency", "timeliness", "accuracy", "problem_solving", "shared_goals", "shared_knowledge",
                "mutual_respect"]
    subscale: Literal["communication", "relationship"]
    prompt: str = Field(min_length=1)
    options: tuple[ScaleOption, ...] = Field(min_length=5, max_length=5)


class RelationalInstrument(Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["relational"]
    title: str = Field(min_length=1)
    version: int = 1
    modelled_on: str = Field(min_length=1)
    instructions: str = ""
    disciplines: tuple[str, ...] = Field(min_length=2)
    dimensions: tuple[Dimension, ...]

    @field_validator("dimensions")
    @classmethod
    def _seven_dimensions(cls, dimensions: tuple[Dimension, ...]) -> tuple[Dimension, ...]:
        if tuple(d.id for d in dimensions) != RC_DIMENSIONS:
            raise ValueError(f"needs the seven dimensions in order: {', '.join(RC_DIMENSIONS)}")
        return dimensions


Instrument = Annotated[CapabilityInstrument | RelationalInstrument, Field(discriminator="kind")]


class InstrumentFile(Strict):
    """Wrapper so one YAML file validates as whichever instrument its `kind` names."""

    instrument: Instrument


Library.model_rebuild()
