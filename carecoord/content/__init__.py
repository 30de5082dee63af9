"""The content library: curriculum, cases and the competency framework, loaded and validated."""

from carecoord.content.loader import content_root, fingerprint, load_library
from carecoord.content.models import Check, ContentError, Framework, Lesson, Library, Module

__all__ = ["Check", "ContentError", "Framework", "Lesson", "Library", "Module", "content_root", "fingerprint",
           "load_library"]
