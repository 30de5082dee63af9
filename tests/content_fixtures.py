"""A small content tree for tests: the real framework plus a two-lesson module, easy to break."""

from __future__ import annotations

import shutil
from pathlib import Path

REAL_ROOT = Path(__file__).parents[1]

MODULE = """---
id: test-module
title: A test module
order: 1
summary: For tests.
objectives:
  - Pass the tests.
competencies: [FP1, CM2]
minutes: 20
sources:
  - "Someone. Something. Publisher, 2020."
retired: [old-lesson]
renamed_from: [older-module]
---
An introduction.
"""

LESSON_ONE = """---
id: first-lesson
title: First lesson
order: 1
minutes: 10
renamed_from: [first-lesson-draft]
checks:
  - id: first-lesson-q1
    prompt: Pick the right one.
    choices:
      - text: Right
        correct: true
        feedback: Yes.
      - text: Wrong
        feedback: No.
---
## Heading

Body of the first lesson.
"""

LESSON_TWO = """---
id: second-lesson
title: Second lesson
order: 2
minutes: 10
checks:
  - id: second-lesson-q1
    prompt: Pick all the right ones.
    multiple: true
    choices:
      - text: A
        correct: true
        feedback: Yes, A.
      - text: B
        correct: true
        feedback: Yes, B.
      - text: C
        feedback: Not C.
---
Body of the second lesson.
"""


def make_content_root(base: Path) -> Path:
    root = base / "content"
    (root / "competencies").mkdir(parents=True)
    shutil.copy(REAL_ROOT / "competencies" / "framework.yaml", root / "competencies" / "framework.yaml")
    module = root / "curriculum" / "01-test-module"
    module.mkdir(parents=True)
    (module / "module.md").write_text(MODULE)
    (module / "01-first.md").write_text(LESSON_ONE)
    (module / "02-second.md").write_text(LESSON_TWO)
    return root


CASE = """---
id: test-case
title: A test case
child: Kit
family: Kit lives with two parents.
summary: For tests.
objectives: [Pass the tests.]
competencies: [FP1]
minutes: 30
---
Intro.
"""

PHASE_ONE = """---
id: test-phase-1
order: 1
title: Phase one
age: 1 year
setting: Home
care_map:
  nodes:
    - {id: mum, label: Mum, sector: family}
    - {id: gp, label: Family doctor, sector: primary_care}
    - {id: ei, label: Early intervention, sector: early_intervention}
  links:
    - {from: mum, to: gp, label: visits, quality: ok}
    - {from: gp, to: ei, label: no contact, quality: missing}
plan_of_care:
  medical_summary: {diagnoses: [Epilepsy], emergency: Call for help.}
  actions:
    - {action: Seizure plan, kind: team_concern, owner: Coordinator, status: in_progress}
decisions:
  - id: test-d1
    prompt: What first?
    competencies: [FP1, CM2]
    options:
      - {id: test-d1-a, text: Ask the family, alignment: strong, feedback: Good., sets: [asked-family]}
      - {id: test-d1-b, text: Read the chart, alignment: weak, feedback: Not yet., sets: [chart-only]}
  - id: test-d2
    prompt: And then?
    competencies: [TR2]
    options:
      - {id: test-d2-a, text: Plan early, alignment: strong, feedback: Yes.}
      - {id: test-d2-b, text: Wait, alignment: partial, feedback: Hmm.}
map_exercise:
  prompt: Who belongs?
  distractors:
    - {label: School nurse, sector: school, why_not: Too early.}
reflections: ["What did you learn?"]
---
Phase one narrative.
"""

PHASE_TWO = """---
id: test-phase-2
order: 2
title: Phase two
age: 3 years
setting: School
care_map:
  nodes:
    - {id: mum, label: Mum, sector: family}
    - {id: gp, label: Family doctor, sector: primary_care}
    - {id: school, label: School nurse, sector: school}
  links:
    - {from: school, to: child, label: daily}
plan_of_care:
  medical_summary: {diagnoses: [Epilepsy]}
  actions:
    - {action: IEP, kind: family_goal, owner: Family, status: not_started}
decisions:
  - id: test-d3
    prompt: At school?
    competencies: [TR2]
    options:
      - {id: test-d3-a, text: Meet the nurse, alignment: strong, feedback: Yes.}
      - {id: test-d3-b, text: Send the chart, alignment: weak, feedback: No.}
consequences:
  - {when: chart-only, text: "Because you only read the chart, the family felt unheard."}
---
Phase two narrative.
"""


def add_case(root: Path) -> Path:
    folder = root / "cases" / "01-test-case"
    folder.mkdir(parents=True)
    (folder / "case.md").write_text(CASE)
    (folder / "01-one.md").write_text(PHASE_ONE)
    (folder / "02-two.md").write_text(PHASE_TWO)
    return folder
