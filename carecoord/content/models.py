"""The content library as immutable, validated models (no I/O here)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

    @field_validator("anchors")
    @classmethod
    def _anchor_levels(cls, anchors: dict[int, str]) -> dict[int, str]:
        if sorted(anchors) != [1, 2, 3, 4, 5]:
            raise ValueError(f"needs one anchor for each level 1-5, got levels {sorted(anchors)}")
        if any(not text.strip() for text in anchors.values()):
            raise ValueError("an anchor is empty")
        return anchors


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


class Framework(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    version: int = 1
    levels: tuple[Level, ...]
    targets: dict[str, int] = Field(default_factory=dict)
    retired: tuple[str, ...] = ()
    domains: tuple[Domain, ...] = Field(min_length=1)

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


class Choice(Strict):
    text: str = Field(min_length=1)
    correct: bool = False
    feedback: str = Field(min_length=1)


class Check(Strict):
    id: str = Field(pattern=ID_PATTERN)
    prompt: str = Field(min_length=1)
    multiple: bool = False
    choices: tuple[Choice, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _right_number_correct(self) -> Check:
        correct = sum(c.correct for c in self.choices)
        if not self.multiple and correct != 1:
            raise ValueError(f"a single-answer check needs exactly one correct choice, has {correct}")
        if self.multiple and correct < 1:
            raise ValueError("a multiple-answer check needs at least one correct choice")
        return self

    @property
    def correct_indexes(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)


class LessonMeta(Strict):
    """A lesson's front matter."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    order: int = Field(ge=0)
    minutes: int = Field(ge=1, le=600)
    renamed_from: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()


class Lesson(LessonMeta):
    module_id: str
    body: str
    path: str
    content_hash: str


class ModuleMeta(Strict):
    """A module's front matter."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    order: int = Field(ge=0)
    summary: str = Field(min_length=1)
    objectives: tuple[str, ...] = Field(min_length=1)
    competencies: tuple[str, ...] = ()
    minutes: int = Field(ge=1, le=6000)
    sources: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()
    facilitator_notes: str = ""


class Module(ModuleMeta):
    intro: str
    path: str
    content_hash: str
    lessons: tuple[Lesson, ...] = ()


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
    fingerprint: str
    framework: Framework | None = None
    modules: tuple[Module, ...] = ()
    errors: tuple[ContentError, ...] = ()

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
        if self.framework:
            for competency in self.framework.competencies:
                known[competency.code] = competency.code
            for old in self.framework.retired:
                known.setdefault(old, "retired")
        return known
