"""Our own reader of SCORM `imsmanifest.xml` (SCORM 1.2 and 2004 2nd/3rd/4th edition).

`parse_manifest(data)` returns a `Manifest`: version, title and metadata, organizations with
their item trees, resources with resolved files, and the SCORM 2004 sequencing data as plain
JSON-serialisable dicts for the player. Anything that makes the package unusable raises
`ManifestError` naming the file and line in plain Vietnamese; anything the player can live with
becomes a note in `Manifest.problems`.

Elements are matched by local name so that the many real manifests with odd or missing
namespace declarations still read; namespaces only count for telling the SCORM version apart
and for the two places where imsss and adlseq reuse the same element names.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from flask_babel import gettext as _
from lxml import etree

from .safe_xml import XMLFileError, located, parse_xml

SCORM_12 = "1.2"
SCORM_2004_2ND = "2004 2nd Edition"
SCORM_2004_3RD = "2004 3rd Edition"
SCORM_2004_4TH = "2004 4th Edition"

#: Items are activities the learner sees in the table of contents; beyond these limits a
#: manifest is an attack or a broken export, not a course.
MAX_ITEMS = 5000
MAX_ITEM_DEPTH = 30

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Substrings of namespace URIs that only one SCORM generation uses.
_NAMESPACES_12 = ("adlcp_rootv1p2", "imscp_rootv1p1p2")
_NAMESPACES_2004 = ("adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "/imsss")
#: A base URL that cannot exist, so that urljoin does the RFC 3986 work on package paths.
_PACKAGE_ROOT = "http://package.invalid/"
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class ManifestError(XMLFileError):
    """The manifest cannot be used. `message` is the full Vietnamese sentence with file and
    line ("imsmanifest.xml, dòng 12: ..."); `reason` is the same without the prefix."""


@dataclass
class Resource:
    identifier: str
    type: str
    scorm_type: str  #: "sco" (talks to the runtime API) or "asset"
    href: str | None  #: URL relative to the package root, xml:base applied, query kept
    base: str  #: the xml:base chain (manifest, resources, resource) joined
    files: list[str] = field(default_factory=list)  #: package paths, decoded, base applied
    dependencies: list[str] = field(default_factory=list)  #: resource identifiers
    all_files: list[str] = field(default_factory=list)  #: launch file + own + dependencies'
    launch_file: str | None = None  #: package path `href` opens (no query); None if external
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Item:
    identifier: str
    title: str
    identifierref: str | None = None
    isvisible: bool = True
    parameters: str = ""
    children: list[Item] = field(default_factory=list)
    resource: Resource | None = None
    launch_href: str | None = None  #: resource href with `parameters` appended
    mastery_score: float | None = None  #: SCORM 1.2 adlcp:masteryscore (0-100)
    data_from_lms: str | None = None  #: becomes cmi.launch_data
    max_time_allowed: str | None = None  #: 1.2 timespan, or 2004 attemptAbsoluteDurationLimit
    time_limit_action: str | None = None
    prerequisites: str | None = None  #: SCORM 1.2 adlcp:prerequisites expression
    completion_threshold: float | None = None  #: becomes cmi.completion_threshold (2004)
    completed_by_measure: bool = False  #: 4th edition
    min_progress_measure: float | None = None  #: 4th edition
    progress_weight: float | None = None  #: weight in progress rollup (2004, default 1.0)
    data_maps: list[dict] = field(default_factory=list)  #: adlcp:data/map shared buckets
    objectives: list[dict] = field(default_factory=list)  #: from imsss:objectives
    sequencing: dict = field(default_factory=dict)  #: empty for SCORM 1.2
    hide_lms_ui: list[str] = field(default_factory=list)  #: adlnav:presentation
    line: int | None = None

    def walk(self) -> Iterator[Item]:
        """This item and all below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_launchable(self) -> bool:
        return self.launch_href is not None

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("children", "resource")}
        data["children"] = [child.to_json() for child in self.children]
        return data


@dataclass
class Organization:
    identifier: str
    title: str
    items: list[Item] = field(default_factory=list)
    sequencing: dict = field(default_factory=dict)
    line: int | None = None

    def walk(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()

    def to_json(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "title": self.title, "line": self.line,
                "sequencing": self.sequencing, "items": [i.to_json() for i in self.items]}


@dataclass
class Manifest:
    identifier: str
    version: str  #: "1.2" | "2004 2nd Edition" | "2004 3rd Edition" | "2004 4th Edition"
    scorm_version: str  #: "1.2" | "2004"
    schemaversion: str  #: as written in the manifest, "" when absent
    title: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    default_organization: Organization | None = None
    organizations: list[Organization] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  #: non-fatal notes, Vietnamese

    def launchable_items(self) -> list[Item]:
        """Items of the default organization that open something, in document order."""
        if self.default_organization is None:
            return []
        return [item for item in self.default_organization.walk() if item.is_launchable]

    def to_json(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier, "version": self.version,
            "scorm_version": self.scorm_version, "schemaversion": self.schemaversion,
            "title": self.title, "description": self.description, "keywords": self.keywords,
            "default_organization": (self.default_organization.identifier
                                     if self.default_organization else None),
            "organizations": [org.to_json() for org in self.organizations],
            "resources": {rid: res.to_json() for rid, res in self.resources.items()},
            "problems": self.problems,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Rebuild what `to_json` stored (items get their `resource` back)."""
        resources = {rid: Resource(**res) for rid, res in data["resources"].items()}

        def item(raw: dict) -> Item:
            fields = {k: v for k, v in raw.items() if k != "children"}
            return Item(**fields, children=[item(c) for c in raw["children"]],
                        resource=resources.get(raw.get("identifierref") or ""))

        organizations = [
            Organization(identifier=o["identifier"], title=o["title"], line=o.get("line"),
                         sequencing=o["sequencing"], items=[item(i) for i in o["items"]])
            for o in data["organizations"]
        ]
        default = next((o for o in organizations
                        if o.identifier == data["default_organization"]), None)
        return cls(identifier=data["identifier"], version=data["version"],
                   scorm_version=data["scorm_version"], schemaversion=data["schemaversion"],
                   title=data["title"], description=data["description"],
                   keywords=list(data["keywords"]), default_organization=default,
                   organizations=organizations, resources=resources,
                   problems=list(data["problems"]))


def parse_manifest(data: bytes, *, read_file: Callable[[str], bytes | None] | None = None,
                   filename: str = "imsmanifest.xml") -> Manifest:
    """Read an imsmanifest.xml. `read_file(path)` returns another file of the package (for
    external metadata) or None when it is absent. Raises ManifestError."""
    try:
        root = parse_xml(data, file=filename)
    except XMLFileError as error:
        raise ManifestError(error.reason, file=error.file, line=error.line) from None
    return _ManifestReader(root, filename, read_file).read()


def append_parameters(href: str, parameters: str) -> str:
    """Add an item's `parameters` to its resource URL following the IMS CP rules: leading
    "?"/"&" are dropped, a query is joined with "?" or "&" as the URL needs, a "#fragment" is
    only added when the URL has none; an existing fragment stays at the end."""
    parameters = parameters.strip()
    if not parameters:
        return href
    address, has_fragment, fragment = href.partition("#")
    if parameters.startswith("#"):
        return href if has_fragment else href + parameters
    query, _sep, new_fragment = parameters.lstrip("?&").partition("#")
    if query:
        if address.endswith(("?", "&")):
            address += query
        else:
            address += ("&" if "?" in address else "?") + query
    fragment = fragment if has_fragment else new_fragment
    return address + ("#" + fragment if fragment else "")


# --- reading ---------------------------------------------------------------------------------


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _namespace(element) -> str:
    return (etree.QName(element).namespace or "") if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    """Child elements with this local name, case-insensitive (1.2 writes `masteryscore`,
    hand-made manifests write `masteryScore`)."""
    name = name.lower()
    return [c for c in element if _local(c).lower() == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _attribute(element, name: str) -> str | None:
    """An attribute by local name in any namespace, case-insensitive (adlcp:scormtype in 1.2,
    adlcp:scormType in 2004, and exports that forget the prefix)."""
    name = name.lower()
    for key, value in element.attrib.items():
        if etree.QName(key).localname.lower() == name:
            return value
    return None


def _package_path(url: str) -> str | None:
    """The decoded package path a relative URL points at, or None for an external URL."""
    if _URL_SCHEME.match(url) or url.startswith("//"):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    return unquote(path) or None


class _ManifestReader:
    def __init__(self, root, filename: str, read_file):
        self.root = root
        self.filename = filename
        self.read_file = read_file
        self.problems: list[str] = []
        self.resources: dict[str, Resource] = {}
        self.collection: dict[str, Any] = {}
        self.item_ids: set[str] = set()
        self.item_count = 0
        self.version = ""

    # errors and notes

    def error(self, element, reason: str) -> ManifestError:
        line = element.sourceline if element is not None else None
        return ManifestError(reason, file=self.filename, line=line)

    def note(self, element, reason: str) -> None:
        line = element.sourceline if element is not None else None
        self.problems.append(located(self.filename, line, reason))

    def required(self, element, attribute: str) -> str:
        value = (element.get(attribute) or "").strip()
        if not value:
            raise self.error(element, _("thẻ <%(tag)s> thiếu thuộc tính %(attribute)s.",
                                        tag=_local(element), attribute=attribute))
        return value

    # the whole manifest

    def read(self) -> Manifest:
        root = self.root
        if _local(root) != "manifest":
            raise self.error(root, _("thẻ gốc phải là <manifest>, tệp này bắt đầu bằng "
                                     "<%(tag)s>.", tag=_local(root) or "?"))
        metadata = _child(root, "metadata")
        schemaversion_el = _child(metadata, "schemaversion") if metadata is not None else None
        schemaversion = _text(schemaversion_el)
        self.version = self.detect_version(schemaversion, schemaversion_el)
        self.read_sequencing_collection()
        self.read_resources()
        organizations, default = self.read_organizations()
        self.check_dependencies()
        meta = self.read_metadata(metadata) if metadata is not None else {}
        title = meta.get("title") or (default.title if default else "") or \
            (root.get("identifier") or "")
        return Manifest(
            identifier=(root.get("identifier") or "").strip(),
            version=self.version,
            scorm_version="1.2" if self.version == SCORM_12 else "2004",
            schemaversion=schemaversion,
            title=title,
            description=meta.get("description", ""),
            keywords=meta.get("keywords", []),
            default_organization=default,
            organizations=organizations,
            resources=self.resources,
            problems=self.problems,
        )

    # version

    def detect_version(self, schemaversion: str, element) -> str:
        from_text = _version_from_schemaversion(schemaversion)
        namespaces = {uri for el in self.root.iter() if isinstance(el.tag, str)
                      for uri in el.nsmap.values() if uri}
        says_12 = any(marker in uri for uri in namespaces for marker in _NAMESPACES_12)
        says_2004 = any(marker in uri for uri in namespaces for marker in _NAMESPACES_2004)
        if from_text:
            contradicts = (from_text == SCORM_12 and says_2004 and not says_12) or \
                (from_text != SCORM_12 and says_12 and not says_2004)
            if contradicts:
                self.note(element, _("schemaversion ghi \"%(text)s\" nhưng các không gian tên "
                                     "(namespace) trong tệp là của phiên bản SCORM khác; hệ "
                                     "thống dùng phiên bản theo schemaversion.",
                                     text=schemaversion))
            return from_text
        if says_2004 and not says_12:
            guessed = SCORM_2004_4TH if self.uses_4th_edition_features() else SCORM_2004_3RD
        elif says_12 and not says_2004:
            guessed = SCORM_12
        elif schemaversion:
            raise self.error(element, _("không nhận ra phiên bản SCORM \"%(text)s\". Hệ thống "
                                        "nhận SCORM 1.2 và SCORM 2004 (bản 2, 3, 4).",
                                        text=schemaversion))
        else:
            raise self.error(self.root, _("không xác định được phiên bản SCORM: thiếu "
                                          "<schemaversion> và tệp không dùng không gian tên "
                                          "(namespace) nào của SCORM 1.2 hay SCORM 2004."))
        if schemaversion:
            reason = _("không nhận ra schemaversion \"%(text)s\"; theo các không gian tên "
                       "(namespace) trong tệp, gói được coi là SCORM %(version)s.",
                       text=schemaversion, version=guessed)
        else:
            reason = _("thiếu <schemaversion>; theo các không gian tên (namespace) trong tệp, "
                       "gói được coi là SCORM %(version)s.", version=guessed)
        self.note(element if element is not None else self.root, reason)
        return guessed

    def uses_4th_edition_features(self) -> bool:
        for element in self.root.iter():
            name = _local(element)
            if name == "data" and "adlcp" in _namespace(element):
                return True
            if name == "completionThreshold" and element.attrib:
                return True
            if name == "objectives" and "adlseq" in _namespace(element):
                return True
        return False

    @property
    def is_2004(self) -> bool:
        return self.version != SCORM_12

    # resources

    def read_resources(self) -> None:
        resources_el = _child(self.root, "resources")
        if resources_el is None:
            raise self.error(self.root, _("thiếu thẻ <resources> (danh sách tài nguyên)."))
        bases = [self.root.get(XML_BASE) or "", resources_el.get(XML_BASE) or ""]
        for element in _children(resources_el, "resource"):
            resource = self.read_resource(element, bases)
            if resource.identifier in self.resources:
                raise self.error(element, _("có hai thẻ <resource> cùng identifier "
                                            "\"%(id)s\".", id=resource.identifier))
            self.resources[resource.identifier] = resource
        for resource in self.resources.values():
            resource.all_files = self.all_files(resource)

    def read_resource(self, element, outer_bases: list[str]) -> Resource:
        identifier = self.required(element, "identifier")
        chain = [*outer_bases, element.get(XML_BASE) or ""]
        base = _join_bases(chain)
        scorm_type = (_attribute(element, "scormtype") or "").strip().lower()
        if scorm_type not in ("sco", "asset"):
            if scorm_type:
                self.note(element, _("tài nguyên \"%(id)s\" có adlcp:scormType \"%(value)s\" "
                                     "không hợp lệ; coi là asset.", id=identifier,
                                     value=scorm_type))
            scorm_type = "asset"
        raw_href = (element.get("href") or "").strip()
        href = _resolve(base, raw_href) if raw_href else None
        files = []
        for file_el in _children(element, "file"):
            file_href = (file_el.get("href") or "").strip()
            if not file_href:
                self.note(file_el, _("thẻ <file> thiếu thuộc tính href; bỏ qua."))
                continue
            path = _package_path(_resolve(base, file_href))
            if path and path not in files:
                files.append(path)
        dependencies = []
        for dependency in _children(element, "dependency"):
            ref = (dependency.get("identifierref") or "").strip()
            if not ref:
                self.note(dependency, _("thẻ <dependency> thiếu thuộc tính identifierref; "
                                        "bỏ qua."))
            elif ref not in dependencies:
                dependencies.append(ref)
        return Resource(identifier=identifier, type=(element.get("type") or "").strip(),
                        scorm_type=scorm_type, href=href, base=base, files=files,
                        dependencies=dependencies, launch_file=_package_path(href or ""),
                        line=element.sourceline)

    def all_files(self, resource: Resource) -> list[str]:
        """Launch file, own files, then every dependency's files; a cycle stops the walk."""
        result: list[str] = []
        seen_resources: set[str] = set()
        pending = [resource.identifier]
        while pending:
            current = self.resources.get(pending.pop(0))
            if current is None or current.identifier in seen_resources:
                continue
            seen_resources.add(current.identifier)
            for path in ([current.launch_file] if current.launch_file else []) + current.files:
                if path not in result:
                    result.append(path)
            pending.extend(current.dependencies)
        return result

    def check_dependencies(self) -> None:
        """Note dependencies on missing resources and dependency cycles (both non-fatal: the
        files that can be found are still collected)."""
        for resource in self.resources.values():
            for ref in resource.dependencies:
                if ref not in self.resources:
                    self.problems.append(located(self.filename, resource.line, _(
                        "tài nguyên \"%(id)s\" phụ thuộc vào tài nguyên \"%(ref)s\" không có "
                        "trong manifest; bỏ qua phụ thuộc này.", id=resource.identifier,
                        ref=ref)))
        state: dict[str, str] = {}
        reported: set[frozenset] = set()

        def visit(rid: str, path: list[str]) -> None:
            state[rid] = "active"
            for ref in self.resources[rid].dependencies:
                if ref not in self.resources:
                    continue
                if state.get(ref) == "active":
                    cycle = path[path.index(ref):] + [ref]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        self.problems.append(located(
                            self.filename, self.resources[ref].line,
                            _("các tài nguyên phụ thuộc lẫn nhau thành vòng (%(cycle)s); hệ "
                              "thống vẫn lấy đủ tệp của từng tài nguyên một lần.",
                              cycle=" → ".join(cycle))))
                elif ref not in state:
                    visit(ref, [*path, ref])
            state[rid] = "done"

        for rid in self.resources:
            if rid not in state:
                visit(rid, [rid])

    # organizations and items

    def read_organizations(self) -> tuple[list[Organization], Organization | None]:
        organizations_el = _child(self.root, "organizations")
        if organizations_el is None:
            raise self.error(self.root, _("thiếu thẻ <organizations>: gói không có mục lục bài "
                                          "học nào để mở."))
        elements = _children(organizations_el, "organization")
        if not elements:
            raise self.error(organizations_el, _("thẻ <organizations> không có <organization> "
                                                 "nào: gói không có bài học nào để mở."))
        wanted = (organizations_el.get("default") or "").strip()
        default_el = next((el for el in elements if (el.get("identifier") or "").strip()
                           == wanted), None) if wanted else None
        if default_el is None:
            default_el = elements[0]
            if wanted:
                self.note(organizations_el, _("default=\"%(id)s\" không trỏ tới <organization> "
                                              "nào; dùng tổ chức đầu tiên.", id=wanted))
            else:
                self.note(organizations_el, _("thẻ <organizations> thiếu thuộc tính default; "
                                              "dùng tổ chức đầu tiên."))
        organizations, default, seen = [], None, set()
        for element in elements:
            organization = self.read_organization(element, is_default=element is default_el)
            if organization.identifier in seen:
                raise self.error(element, _("có hai thẻ <organization> cùng identifier "
                                            "\"%(id)s\".", id=organization.identifier))
            seen.add(organization.identifier)
            organizations.append(organization)
            if element is default_el:
                default = organization
        if not default.items:
            raise self.error(default_el, _("tổ chức mặc định \"%(id)s\" không có <item> nào.",
                                           id=default.identifier))
        if not any(item.is_launchable for item in default.walk()):
            raise self.error(default_el, _("tổ chức mặc định \"%(id)s\" không có mục nào mở "
                                           "được (không <item> nào trỏ tới tài nguyên).",
                                           id=default.identifier))
        return organizations, default

    def read_organization(self, element, *, is_default: bool) -> Organization:
        identifier = self.required(element, "identifier")
        title = _text(_child(element, "title"))
        if not title:
            self.note(element, _("tổ chức \"%(id)s\" không có <title>.", id=identifier))
        items = [self.read_item(child, is_default, depth=1)
                 for child in _children(element, "item")]
        sequencing: dict = {}
        if self.is_2004:
            sequencing = self.read_sequencing(_child(element, "sequencing"))
            global_attr = _attribute(element, "objectivesGlobalToSystem")
            sequencing["objectives_global_to_system"] = _boolean(global_attr, True)
            shared_attr = _attribute(element, "sharedDataGlobalToSystem")
            sequencing["shared_data_global_to_system"] = _boolean(shared_attr, True)
        return Organization(identifier=identifier, title=title or identifier, items=items,
                            sequencing=sequencing, line=element.sourceline)

    def read_item(self, element, in_default: bool, depth: int) -> Item:
        self.item_count += 1
        if self.item_count > MAX_ITEMS:
            raise self.error(element, _("manifest có quá nhiều <item> (tối đa %(limit)s).",
                                        limit=MAX_ITEMS))
        if depth > MAX_ITEM_DEPTH:
            raise self.error(element, _("các <item> lồng nhau quá sâu (tối đa %(limit)s cấp).",
                                        limit=MAX_ITEM_DEPTH))
        identifier = self.required(element, "identifier")
        if identifier in self.item_ids:
            raise self.error(element, _("có hai thẻ <item> cùng identifier \"%(id)s\".",
                                        id=identifier))
        self.item_ids.add(identifier)
        title = _text(_child(element, "title"))
        if not title:
            self.note(element, _("mục \"%(id)s\" không có <title>.", id=identifier))
        item = Item(identifier=identifier, title=title or identifier, line=element.sourceline,
                    isvisible=_boolean(element.get("isvisible"), True),
                    parameters=(element.get("parameters") or "").strip(),
                    identifierref=(element.get("identifierref") or "").strip() or None)
        item.children = [self.read_item(child, in_default, depth + 1)
                         for child in _children(element, "item")]
        self.link_resource(item, element, in_default)
        self.read_item_runtime_data(item, element)
        return item

    def link_resource(self, item: Item, element, in_default: bool) -> None:
        if item.identifierref is None:
            return
        resource = self.resources.get(item.identifierref)
        if resource is None:
            reason = _("mục \"%(id)s\" trỏ tới tài nguyên \"%(ref)s\" nhưng không có "
                       "<resource> nào mang identifier đó.", id=item.identifier,
                       ref=item.identifierref)
            if in_default:
                raise self.error(element, reason)
            self.note(element, reason)
            return
        item.resource = resource
        if resource.href is None:
            reason = _("mục \"%(id)s\" trỏ tới tài nguyên \"%(ref)s\" không có thuộc tính href "
                       "nên không biết mở tệp nào.", id=item.identifier, ref=resource.identifier)
            if in_default:
                raise self.error(element, reason)
            self.note(element, reason)
            return
        if item.children:
            self.note(element, _("mục \"%(id)s\" vừa có mục con vừa trỏ tới tài nguyên; vẫn "
                                 "cho mở nhưng SCORM không cho phép cách viết này.",
                                 id=item.identifier))
        item.launch_href = append_parameters(resource.href, item.parameters)

    def read_item_runtime_data(self, item: Item, element) -> None:
        """adlcp elements that initialise the runtime (cmi.*) and the sequencing data."""
        mastery = _child(element, "masteryscore")
        if mastery is not None:
            item.mastery_score = self.number(mastery, _text(mastery), 0.0, 100.0)
        for name, attribute in (("datafromlms", "data_from_lms"),
                                ("maxtimeallowed", "max_time_allowed"),
                                ("timelimitaction", "time_limit_action"),
                                ("prerequisites", "prerequisites")):
            found = _child(element, name)
            if found is not None and _text(found):
                # launch data is handed to the SCO verbatim, so keep its exact whitespace
                value = "".join(found.itertext()) if name == "datafromlms" else _text(found)
                setattr(item, attribute, value)
        if not self.is_2004:
            return
        threshold = _child(element, "completionThreshold")
        if threshold is not None:
            self.read_completion_threshold(item, threshold)
        if item.progress_weight is None and item.is_leaf:
            item.progress_weight = 1.0
        data = _child(element, "data")
        if data is not None:
            for map_el in _children(data, "map"):
                target = (map_el.get("targetID") or "").strip()
                if not target:
                    self.note(map_el, _("thẻ <adlcp:map> thiếu thuộc tính targetID; bỏ qua."))
                    continue
                item.data_maps.append({
                    "target_id": target,
                    "read_shared_data": _boolean(map_el.get("readSharedData"), True),
                    "write_shared_data": _boolean(map_el.get("writeSharedData"), False),
                })
        item.sequencing = self.read_sequencing(_child(element, "sequencing"))
        item.objectives = item.sequencing["objectives"]
        if item.max_time_allowed is None:
            item.max_time_allowed = \
                item.sequencing["limit_conditions"]["attempt_absolute_duration_limit"]
        presentation = _child(element, "presentation")
        interface = _child(presentation, "navigationInterface") \
            if presentation is not None else None
        if interface is not None:
            item.hide_lms_ui = [_text(h) for h in _children(interface, "hideLMSUI") if _text(h)]

    def read_completion_threshold(self, item: Item, element) -> None:
        text = _text(element)
        by_measure = _boolean(element.get("completedByMeasure"), False)
        minimum = element.get("minProgressMeasure")
        weight = element.get("progressWeight")
        if minimum is not None:
            item.min_progress_measure = self.number(element, minimum, 0.0, 1.0)
        if weight is not None:
            item.progress_weight = self.number(element, weight, 0.0, 1.0)
        item.completed_by_measure = by_measure
        if by_measure:
            item.completion_threshold = (1.0 if item.min_progress_measure is None
                                         else item.min_progress_measure)
        elif text:
            # 3rd edition: the threshold is the element text
            item.completion_threshold = self.number(element, text, 0.0, 1.0)

    def number(self, element, text: str, low: float, high: float) -> float | None:
        try:
            value = float(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            self.note(element, _("giá trị \"%(value)s\" của <%(tag)s> phải là số từ %(low)s đến "
                                 "%(high)s; bỏ qua.", value=text.strip(), tag=_local(element),
                                 low=f"{low:g}", high=f"{high:g}"))
            return None
        return value

    # sequencing (SCORM 2004)

    def read_sequencing_collection(self) -> None:
        collection = _child(self.root, "sequencingCollection")
        if collection is None:
            return
        for sequencing in _children(collection, "sequencing"):
            identifier = (sequencing.get("ID") or "").strip()
            if not identifier:
                self.note(sequencing, _("thẻ <imsss:sequencing> trong sequencingCollection "
                                        "thiếu thuộc tính ID; bỏ qua."))
                continue
            self.collection[identifier] = sequencing

    def read_sequencing(self, element) -> dict:
        """The sequencing of an item or organization as a dict, with the schema's defaults for
        whatever the manifest leaves out. Local elements override those of the referenced
        (IDRef) sequencing from the collection."""
        parts: dict[tuple[str, str], Any] = {}
        id_ref = None
        if element is not None:
            id_ref = (element.get("IDRef") or "").strip() or None
            if id_ref is not None:
                shared = self.collection.get(id_ref)
                if shared is None:
                    self.note(element, _("IDRef=\"%(ref)s\" không trỏ tới <imsss:sequencing> nào "
                                         "trong sequencingCollection; bỏ qua.", ref=id_ref))
                else:
                    parts.update(_sequencing_parts(shared))
            parts.update(_sequencing_parts(element))

        def part(name: str, adlseq: bool = False):
            return parts.get((name, "adlseq" if adlseq else "imsss"))

        control = part("controlMode")
        limits = part("limitConditions")
        random = part("randomizationControls")
        delivery = part("deliveryControls")
        choice = part("constrainedChoiceConsiderations", adlseq=True)
        rollup_considerations = part("rollupConsiderations", adlseq=True)
        attempt_limit = None
        if limits is not None and limits.get("attemptLimit"):
            try:
                attempt_limit = int(limits.get("attemptLimit")) or None
            except ValueError:
                self.note(limits, _("attemptLimit phải là số nguyên; bỏ qua."))
        return {
            "id_ref": id_ref,
            "control_mode": {
                "choice": _flag(control, "choice", True),
                "choice_exit": _flag(control, "choiceExit", True),
                "flow": _flag(control, "flow", False),
                "forward_only": _flag(control, "forwardOnly", False),
                "use_current_attempt_objective_info":
                    _flag(control, "useCurrentAttemptObjectiveInfo", True),
                "use_current_attempt_progress_info":
                    _flag(control, "useCurrentAttemptProgressInfo", True),
            },
            "limit_conditions": {
                "attempt_limit": attempt_limit,
                "attempt_absolute_duration_limit":
                    _stripped(limits, "attemptAbsoluteDurationLimit"),
            },
            "sequencing_rules": self.read_sequencing_rules(part("sequencingRules")),
            "rollup_rules": self.read_rollup_rules(part("rollupRules")),
            "objectives": self.read_objectives(part("objectives"),
                                               part("objectives", adlseq=True)),
            "randomization_controls": {
                "randomization_timing": _stripped(random, "randomizationTiming") or "never",
                "select_count": _integer(random, "selectCount"),
                "reorder_children": _flag(random, "reorderChildren", False),
                "selection_timing": _stripped(random, "selectionTiming") or "never",
            },
            "delivery_controls": {
                "tracked": _flag(delivery, "tracked", True),
                "completion_set_by_content": _flag(delivery, "completionSetByContent", False),
                "objective_set_by_content": _flag(delivery, "objectiveSetByContent", False),
            },
            "constrained_choice_considerations": {
                "prevent_activation": _flag(choice, "preventActivation", False),
                "constrain_choice": _flag(choice, "constrainChoice", False),
            },
            "rollup_considerations": {
                "required_for_satisfied":
                    _stripped(rollup_considerations, "requiredForSatisfied") or "always",
                "required_for_not_satisfied":
                    _stripped(rollup_considerations, "requiredForNotSatisfied") or "always",
                "required_for_completed":
                    _stripped(rollup_considerations, "requiredForCompleted") or "always",
                "required_for_incomplete":
                    _stripped(rollup_considerations, "requiredForIncomplete") or "always",
                "measure_satisfaction_if_active":
                    _flag(rollup_considerations, "measureSatisfactionIfActive", True),
            },
        }

    def read_sequencing_rules(self, element) -> dict:
        rules: dict[str, list] = {"pre": [], "exit": [], "post": []}
        if element is None:
            return rules
        for kind, found in rules.items():
            for rule in _children(element, f"{kind}ConditionRule"):
                conditions = _child(rule, "ruleConditions")
                action = _child(rule, "ruleAction")
                if action is None or not action.get("action"):
                    self.note(rule, _("luật tuần tự <%(tag)s> thiếu <ruleAction action=...>; "
                                      "bỏ qua.", tag=_local(rule)))
                    continue
                found.append({
                    "condition_combination":
                        _stripped(conditions, "conditionCombination") or "all",
                    "conditions": [{
                        "condition": (c.get("condition") or "").strip(),
                        "operator": (c.get("operator") or "noOp").strip(),
                        "referenced_objective": _stripped(c, "referencedObjective"),
                        "measure_threshold": _decimal(c, "measureThreshold"),
                    } for c in (_children(conditions, "ruleCondition")
                                if conditions is not None else [])],
                    "action": action.get("action").strip(),
                })
        return rules

    def read_rollup_rules(self, element) -> dict:
        rollup = {
            "rollup_objective_satisfied": _flag(element, "rollupObjectiveSatisfied", True),
            "rollup_progress_completion": _flag(element, "rollupProgressCompletion", True),
            "objective_measure_weight": _decimal(element, "objectiveMeasureWeight", 1.0),
            "rules": [],
        }
        for rule in _children(element, "rollupRule") if element is not None else []:
            conditions = _child(rule, "rollupConditions")
            action = _child(rule, "rollupAction")
            if action is None or not action.get("action"):
                self.note(rule, _("luật tổng hợp <rollupRule> thiếu <rollupAction action=...>; "
                                  "bỏ qua."))
                continue
            rollup["rules"].append({
                "child_activity_set": _stripped(rule, "childActivitySet") or "all",
                "minimum_count": _integer(rule, "minimumCount") or 0,
                "minimum_percent": _decimal(rule, "minimumPercent", 0.0),
                "condition_combination": _stripped(conditions, "conditionCombination") or "any",
                "conditions": [{
                    "condition": (c.get("condition") or "").strip(),
                    "operator": (c.get("operator") or "noOp").strip(),
                } for c in (_children(conditions, "rollupCondition")
                            if conditions is not None else [])],
                "action": action.get("action").strip(),
            })
        return rollup

    def read_objectives(self, element, adl_element) -> list[dict]:
        objectives: list[dict] = []
        for child in element if element is not None else []:
            name = _local(child)
            if name not in ("primaryObjective", "objective"):
                continue
            measure = _child(child, "minNormalizedMeasure")
            objectives.append({
                "objective_id": _stripped(child, "objectiveID"),
                "primary": name == "primaryObjective",
                "satisfied_by_measure": _flag(child, "satisfiedByMeasure", False),
                "min_normalized_measure": (self.number(measure, _text(measure), -1.0, 1.0)
                                           if measure is not None and _text(measure) else 1.0),
                "map_info": [{
                    "target_objective_id": _stripped(m, "targetObjectiveID"),
                    "read_satisfied_status": _flag(m, "readSatisfiedStatus", True),
                    "read_normalized_measure": _flag(m, "readNormalizedMeasure", True),
                    "write_satisfied_status": _flag(m, "writeSatisfiedStatus", False),
                    "write_normalized_measure": _flag(m, "writeNormalizedMeasure", False),
                } for m in _children(child, "mapInfo")],
                "adl_map_info": [],
            })
        # 4th edition: adlseq:objectives add score/completion/progress maps to the same IDs
        for adl in _children(adl_element, "objective") if adl_element is not None else []:
            objective_id = _stripped(adl, "objectiveID")
            target = next((o for o in objectives if o["objective_id"] == objective_id), None)
            if target is None:
                self.note(adl, _("adlseq:objective \"%(id)s\" không khớp imsss:objective nào; "
                                 "bỏ qua.", id=objective_id or ""))
                continue
            for m in _children(adl, "mapInfo"):
                entry = {"target_objective_id": _stripped(m, "targetObjectiveID")}
                for what in ("RawScore", "MinScore", "MaxScore", "CompletionStatus",
                             "ProgressMeasure"):
                    snake = re.sub(r"(?<!^)([A-Z])", r"_\1", what).lower()
                    entry[f"read_{snake}"] = _flag(m, f"read{what}", True)
                    entry[f"write_{snake}"] = _flag(m, f"write{what}", False)
                target["adl_map_info"].append(entry)
        return objectives

    # metadata

    def read_metadata(self, metadata) -> dict:
        """Title, description and keywords from inline LOM, completed by the external file
        that adlcp:location names."""
        found = _lom_summary(_find_lom(metadata))
        location = _child(metadata, "location")
        path = _text(location)
        if path:
            external = self.read_external_metadata(location, path)
            for key, value in external.items():
                if value and not found.get(key):
                    found[key] = value
        return found

    def read_external_metadata(self, location, path: str) -> dict:
        package_path = _package_path(_resolve(_join_bases([self.root.get(XML_BASE) or ""]),
                                              path))
        content = self.read_file(package_path) if self.read_file and package_path else None
        if content is None:
            self.note(location, _("không tìm thấy tệp siêu dữ liệu \"%(path)s\" mà "
                                  "<adlcp:location> nhắc tới.", path=path))
            return {}
        try:
            root = parse_xml(content, file=package_path)
        except XMLFileError as error:
            self.problems.append(error.message)
            return {}
        return _lom_summary(root if _local(root) == "lom" else _find_lom(root))


def _version_from_schemaversion(text: str) -> str | None:
    normalized = " ".join(text.split()).lower()
    if normalized in ("1.2", "scorm 1.2"):
        return SCORM_12
    if normalized in ("cam 1.3", "1.3", "scorm 1.3", "scorm cam 1.3"):
        return SCORM_2004_2ND
    if "2004" in normalized or "1.3" in normalized:
        for marker, version in (("4th", SCORM_2004_4TH), ("3rd", SCORM_2004_3RD),
                                ("2nd", SCORM_2004_2ND)):
            if marker in normalized:
                return version
    return None


def _sequencing_parts(element) -> dict[tuple[str, str], Any]:
    """Direct children of an imsss:sequencing keyed by (local name, "imsss"|"adlseq") — the two
    schemas both define `objectives`."""
    parts = {}
    for child in element:
        if isinstance(child.tag, str):
            family = "adlseq" if "adlseq" in _namespace(child) else "imsss"
            parts[(_local(child), family)] = child
    return parts


def _boolean(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    value = value.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return default


def _flag(element, attribute: str, default: bool) -> bool:
    return _boolean(element.get(attribute) if element is not None else None, default)


def _stripped(element, attribute: str) -> str | None:
    value = element.get(attribute) if element is not None else None
    return (value.strip() or None) if value is not None else None


def _integer(element, attribute: str) -> int | None:
    value = _stripped(element, attribute)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _decimal(element, attribute: str, default: float | None = None) -> float | None:
    value = _stripped(element, attribute)
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _join_bases(bases: list[str]) -> str:
    """Resolve nested xml:base values (outermost first) into one base ending with "/"."""
    url = _PACKAGE_ROOT
    for base in bases:
        base = base.strip().replace("\\", "/")
        if not base:
            continue
        if not base.endswith("/"):
            # xml:base should end with "/"; authors often forget, and they mean a folder
            base += "/"
        url = urljoin(url, base)
    return url.removeprefix(_PACKAGE_ROOT)


def _resolve(base: str, href: str) -> str:
    """`href` against the joined xml:base, as a URL relative to the package root (external
    URLs stay absolute); query and fragment are kept."""
    href = href.strip().replace("\\", "/")
    url = urljoin(urljoin(_PACKAGE_ROOT, base), href)
    return url.removeprefix(_PACKAGE_ROOT)


def _find_lom(element):
    if element is None:
        return None
    return next((el for el in element.iter() if _local(el) == "lom"), None)


def _lom_summary(lom) -> dict:
    """general/title, general/description and general/keyword of a LOM (IEEE `string`) or
    IMS MD 1.2 (`langstring`) record."""
    if lom is None:
        return {}
    general = _child(lom, "general")
    if general is None:
        return {}
    keywords = []
    for keyword in _children(general, "keyword"):
        # several strings in one <keyword> are translations of the same keyword
        value = _langstring(keyword)
        if value and value not in keywords:
            keywords.append(value)
    descriptions = [_langstring(d) for d in _children(general, "description")]
    return {
        "title": _langstring(_child(general, "title")),
        "description": "\n".join(d for d in descriptions if d),
        "keywords": keywords,
    }


def _langstring(element) -> str:
    """The Vietnamese string of a LOM language-string element when there is one, else the
    first non-empty one."""
    if element is None:
        return ""
    strings = [s for s in element if _local(s) in ("string", "langstring") and _text(s)]
    if not strings:
        return "" if len(element) else _text(element)
    for string in strings:
        language = (string.get("language") or string.get(XML_LANG) or "").lower()
        if language.startswith("vi"):
            return _text(string)
    return _text(strings[0])
