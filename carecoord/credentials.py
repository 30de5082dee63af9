"""What a credential says (pure): which modules a person has earned, and the Open Badges achievement and
issuer for a module or a signed-off competency level, named by the installation's public addresses.

A module is earned when every lesson is complete and every knowledge check was answered right, at the
first try or later in a review. A competency level is earned when a lead signs it off (docs/effective-level.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from carecoord import badges
from carecoord.content.models import Framework, Library, Module
from carecoord.public import Addresses

MODULE, LEVEL = "module", "level"
MODULE_CRITERIA = ("Completed every lesson of the module and answered every one of its knowledge checks "
                   "right, at the first try or later in a spaced review.")


def earned_modules(library: Library, completed_lessons: Iterable[str], right_checks: Iterable[str]) -> list[Module]:
    """The modules whose lessons are all complete and whose checks were all answered right."""
    done, right = set(completed_lessons), set(right_checks)
    return [module for module in library.modules
            if module.lessons and all(lesson.id in done for lesson in module.lessons)
            and all(check.id in right for lesson in module.lessons for check in lesson.checks)]


def level_key(code: str, level: int) -> str:
    return f"{code}/{int(level)}"


def issuer(addresses: Addresses, name: str) -> badges.Issuer:
    return badges.Issuer(id=addresses.issuer, name=name, url=addresses.base)


def _alignment(framework: Framework, code: str, addresses: Addresses) -> badges.Alignment | None:
    competency = framework.competency(code)
    if competency is None:
        return None
    return badges.Alignment(target_name=f"{code} {competency.name}", target_url=addresses.competency(code),
                            target_code=code, target_framework=framework.title,
                            target_description=competency.description or None, target_type="CFItem")


def module_achievement(module: Module, framework: Framework, addresses: Addresses) -> badges.Achievement:
    alignments = tuple(a for code in module.competencies if (a := _alignment(framework, code, addresses)))
    return badges.Achievement(id=addresses.module_achievement(module.id), name=module.title,
                              description=module.summary, criteria=MODULE_CRITERIA, alignments=alignments,
                              achievement_type="Course")


def level_achievement(framework: Framework, code: str, level: int, addresses: Addresses) -> badges.Achievement:
    competency = framework.competency(code)
    if competency is None:
        raise ValueError(f"unknown competency {code}")
    level_name = _level_name(framework, level)
    rule = framework.achievement
    criteria = (f"Signed off at level {level} ({level_name}) by a practice lead, on the evidence of at least "
                f"{rule.min_observations} observations at work by at least {rule.min_assessors} different "
                f"assessors within {rule.window_days} days.")
    return badges.Achievement(id=addresses.level_achievement(code, level),
                              name=f"{competency.name}: {level_name} (level {level})",
                              description=competency.anchors[level], criteria=criteria,
                              alignments=(_alignment(framework, code, addresses),), achievement_type="Competency")


def achievement_for(kind: str, key: str, addresses: Addresses, framework: Framework,
                    library: Library | None = None) -> badges.Achievement | None:
    """The achievement a stored (kind, key) names, or None when the content no longer has it (a module
    needs the library)."""
    if kind == MODULE:
        module = library.module(key) if library is not None else None
        return module_achievement(module, framework, addresses) if module else None
    code, _, level = key.partition("/")
    if framework.competency(code) is None or not level.isdigit() or not 1 <= int(level) <= 5:
        return None
    return level_achievement(framework, code, int(level), addresses)


def title(kind: str, key: str, library: Library) -> str:
    """What a credential is for, in words (the key itself when the content no longer has it)."""
    if kind == MODULE:
        module = library.module(key)
        return f"Module: {module.title}" if module else f"Module {key}"
    code, _, level = key.partition("/")
    framework = library.framework
    competency = framework.competency(code) if framework else None
    if competency is None or not level.isdigit():
        return f"{code} level {level}"
    return f"{code} {competency.name}: {_level_name(framework, int(level))} (level {level})"


def _level_name(framework: Framework, level: int) -> str:
    return next((lv.name for lv in framework.levels if lv.level == level), str(level))
