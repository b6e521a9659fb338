"""Content types: how a kind of package (SCORM, Xerte, interactive video...) is handled.

A plugin subclasses `ContentType` and registers an instance with `LMSPlugin.content_types`.
The registry lives on the app (`app.extensions["lms"].content_types`), never in a module global.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem:
    """Something found while inspecting a package. `fatal` problems stop the import."""

    message: str  #: plain Vietnamese, shown to the teacher
    fatal: bool = True
    file: str | None = None
    line: int | None = None


@dataclass
class Inspection:
    """What `inspect` learned about a package, shown to the teacher before import."""

    content_type: str
    title: str = ""
    version: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    launch_points: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.fatal for p in self.problems)


class ContentType(ABC):
    """Base class of every content type. Subclasses set the class attributes and override methods.

    `archive` is an opened, already-validated package (for zips: `lms.packages.SafeArchive`).
    """

    #: Stable identifier stored in the database (``"scorm"``, ``"xerte"``, ``"video"``).
    id: str = ""
    #: Human name, translatable.
    name: str = ""
    #: Whether approved materials of this type count toward the department's target.
    counts_toward_target: bool = False
    #: Whether the player reports the learner's completion into `LearningAttempt` (SCORM,
    #: Xerte, video). Work given on such a material turns itself in when the lesson is finished;
    #: for one that cannot tell (a PDF), the student says when they are done.
    reports_completion: bool = True
    #: File name endings the upload form accepts for this type.
    extensions: tuple[str, ...] = ()
    #: Types with a higher priority are asked first by `ContentTypeRegistry.detect`: a format
    #: that wraps another (a Xerte export inside a SCORM package) must outrank it.
    priority: int = 0

    @abstractmethod
    def detect(self, archive) -> bool:
        """Return True when this type recognises the package."""

    @abstractmethod
    def inspect(self, archive) -> Inspection:
        """Read the package without importing it: title, version, launch points, problems."""

    @abstractmethod
    def import_package(self, archive, *, department, author, inspection: Inspection):
        """Store the package's files and create a draft material; return the material."""

    @abstractmethod
    def launch(self, material, user):
        """Return the response that plays the material to `user`."""

    @abstractmethod
    def record(self, attempt, payload: dict) -> None:
        """Store progress reported by the player for `attempt`."""

    def extract_text(self, material) -> str:
        """Return the visible text inside the material, for search."""
        return ""

    def version_added(self, material, version) -> None:
        """`version`, just imported, became the newest version of the existing `material`
        (same transaction): carry over what belongs to the material rather than to one version
        (e.g. settings a teacher chose). Nothing by default."""

    def attempt_detail_url(self, attempt) -> str | None:
        """The URL of this type's drill-down into one `LearningAttempt` (SCOs, answers), linked
        from the core results page; None when the type has none. Must not query the database:
        it is called once per learner."""
        return None

    def detect_file(self, path, filename: str) -> bool:
        """Return True when this type takes `path`, an upload that is not a zip, as it is
        (a single video file). The importer then hands `inspect`/`import_package` a
        `lms.packages.single_file.SingleFileArchive` holding just that file."""
        return False


class ContentTypeRegistry:
    def __init__(self) -> None:
        self._types: dict[str, ContentType] = {}

    def register(self, content_type: ContentType) -> None:
        if not content_type.id:
            raise ValueError(f"{type(content_type).__name__} has no id")
        if content_type.id in self._types:
            raise ValueError(f"content type {content_type.id!r} is registered twice")
        self._types[content_type.id] = content_type

    def get(self, type_id: str) -> ContentType:
        return self._types[type_id]

    def __iter__(self):
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    def detect_file(self, path, filename: str) -> ContentType | None:
        """The first type (by priority, like `detect`) that takes a non-zip file as it is."""
        ordered = sorted(self._types.values(), key=lambda t: -t.priority)
        return next((t for t in ordered if t.detect_file(path, filename)), None)

    def detect(self, archive) -> ContentType | None:
        """The first type that recognises `archive`: highest `priority` first, then in
        registration order (so the answer never depends on the order plugins are listed)."""
        ordered = sorted(self._types.values(), key=lambda t: -t.priority)  # stable
        for content_type in ordered:
            if content_type.detect(archive):
                return content_type
        return None
