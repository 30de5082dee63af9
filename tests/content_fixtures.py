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
