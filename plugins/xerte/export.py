"""What kind of Xerte export a package is, and what in it a teacher should know about.

Xerte Online Toolkits exports one lesson several ways: wrapped as SCORM 1.2 (`scormRLO.htm`) or
SCORM 2004 (`scorm2004RLO.htm`) with an `imsmanifest.xml`; "offline" (`index.htm` plus
`offline/offline_template.js`, the template XML wrapped in JavaScript so it opens from disk);
and "deployment"/"archive" (`index.htm` loading `template.xml`). Teachers rename and repackage
exports (one real export has `index.html` and Cordova files), so detection relies on
`template.xml`, never on the launch file name.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .template import TEMPLATE, root_tag

SCORM_2004 = "scorm2004"
SCORM_12 = "scorm12"
OFFLINE = "offline"
WEB = "web"
SCORM_KINDS = (SCORM_2004, SCORM_12)

#: the label shown as the package's "version" (the format itself is "Xerte")
KIND_LABELS = {
    SCORM_2004: _l("Xerte (SCORM 2004)"),
    SCORM_12: _l("Xerte (SCORM 1.2)"),
    OFFLINE: _l("Xerte (bản ngoại tuyến)"),
    WEB: _l("Xerte (bản triển khai/lưu trữ)"),
}
SCORM_LAUNCH = {SCORM_2004: "scorm2004RLO.htm", SCORM_12: "scormRLO.htm"}
WEB_LAUNCH = ("index.htm", "index.html")
OFFLINE_TEMPLATE = "offline/offline_template.js"
MANIFEST = "imsmanifest.xml"

#: left at the root by Xerte or by hand, never loaded by the lesson
STRAY_NAMES = frozenset({"lockfile.txt", "thumbs.db", "desktop.ini"})
STRAY_SUFFIXES = (".bak", ".old", ".orig", ".tmp", "~", ".doc", ".docx", ".xls", ".xlsx",
                  ".ppt", ".pptx", ".odt", ".zip", ".rar", ".7z")


@dataclass
class Export:
    kind: str
    launch_file: str | None  #: package path of the page that starts the lesson

    @property
    def is_scorm(self) -> bool:
        return self.kind in SCORM_KINDS

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def template_name(archive) -> str | None:
    """`template.xml` at the package root (SafeArchive already strips one wrapping folder)."""
    return archive.resolve(TEMPLATE)


def is_xerte(archive) -> bool:
    """Xerte's own importer test: a `template.xml` whose root element is `learningObject`."""
    name = template_name(archive)
    return name is not None and root_tag(archive.read(name, max_bytes=2**20)) == "learningObject"


def export_of(archive) -> Export:
    """The export kind, from the launch files Xerte writes (the manifest decides SCORM)."""
    has_manifest = archive.resolve(MANIFEST) is not None
    for kind in SCORM_KINDS:
        launch = archive.resolve(SCORM_LAUNCH[kind])
        if launch and has_manifest:
            return Export(kind, launch)
    web_launch = next((archive.resolve(n) for n in WEB_LAUNCH if archive.resolve(n)), None)
    if archive.resolve(OFFLINE_TEMPLATE):
        return Export(OFFLINE, web_launch)
    return Export(WEB, web_launch)


def stray_files(archive) -> list[str]:
    """Files at the root the lesson never uses: editor backups, lock files, office documents."""
    found = []
    for name in archive.names():
        base = name.rsplit("/", 1)[-1].casefold()
        at_root = "/" not in name
        if (at_root and (base in STRAY_NAMES or base.endswith(STRAY_SUFFIXES))) \
                or base.endswith(".bak"):
            found.append(name)
    return sorted(found)


def missing_media(archive, references: list[str]) -> list[str]:
    """References of `template.xml` to package files that the zip does not have."""
    return [path for path in references if archive.resolve(path) is None]
