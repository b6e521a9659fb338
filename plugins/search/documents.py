"""The searchable document of a material, built from the database (the truth) only."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import Material, MaterialAuthor
from lms.plugins import registry

#: the text inside a material is capped: a searcher needs its words, not a whole book
MAX_BODY_CHARS = 100_000


@dataclass
class SearchDocument:
    id: int
    title: str
    description: str
    keywords: str
    #: authors, department, subject, grade, lesson, topic, type, status, year (folded only)
    meta: str
    #: the text inside the material (folded only): the live version's once approved
    body: str
    department: str
    subject: str
    grade: str
    type: str
    year: str
    status: str
    #: approved once (`approved_at` set): everyone may find it (its live version)
    approved: bool
    #: uploader and co-authors, who find it in any status
    author_ids: list[int] = field(default_factory=list)
    #: creation time, seconds since the epoch, for "newest first"
    created: int = 0
    #: an approved material's newer version under revision: its text (folded only) and its
    #: status, found only by those who may see that version (see `Scope`)
    pending_body: str = ""
    pending_status: str = ""

    @property
    def stamp(self) -> str:
        """A digest of everything indexed: verify compares it with the index's copy."""
        # vars(), not asdict(): the same JSON (the fields are flat) without asdict's deep copy,
        # a third of tantivy's indexing time
        payload = json.dumps(vars(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def searchable_text(material: Material) -> str:
    """The text everyone who sees the material may find inside: the live version's once
    approved (what students play), the newest version's before that (only those who see an
    unapproved material find it at all)."""
    version = material.live_version if material.approved_at is not None \
        else material.latest_version
    return (version.extracted_text or "")[:MAX_BODY_CHARS] if version else ""


def pending_version(material: Material):
    """The newest version of an approved material when it is not the live one (a revision
    under work or review), whose text only `version_to_play`'s privileged viewers may find."""
    latest = material.latest_version
    if material.approved_at is None or latest is None or latest.id == material.live_version_id:
        return None
    return latest


def _status_label(status: str) -> str:
    labels = {"draft": "nháp", "submitted": "chờ duyệt", "passed": "đã thông qua",
              "approved": "đã phê duyệt", "returned": "trả lại"}
    return labels.get(status, status)


def build_document(material: Material) -> SearchDocument:
    content_types = registry().content_types
    type_name = ""
    lesson_kind = ""
    try:
        content_type = content_types.get(material.content_type)
        with force_locale("vi"):
            type_name = str(content_type.name)
        lesson_kind = "bài giảng" if content_type.counts_toward_target else "tài liệu"
    except KeyError:
        type_name = material.content_type
    authors = [material.author.full_name, *(a.user.full_name for a in material.co_authors)]
    grade = material.grade_level
    pending = pending_version(material)
    meta = [
        *authors, material.department.name,
        material.subject.name if material.subject else "",
        f"khối {grade.number} lớp {grade.number}" if grade else "",
        material.lesson, material.topic, type_name, lesson_kind,
        _status_label(material.status),
        material.school_year.name if material.school_year else "",
    ]
    return SearchDocument(
        id=material.id, title=material.title or "", description=material.description or "",
        keywords=material.keywords or "", meta=" \n".join(part for part in meta if part),
        body=searchable_text(material),
        department=str(material.department_id),
        subject=str(material.subject_id or ""), grade=str(grade.number) if grade else "",
        type=material.content_type, year=str(material.school_year_id or ""),
        status=material.status, approved=material.approved_at is not None,
        author_ids=sorted({material.author_id, *(a.user_id for a in material.co_authors)}),
        created=int(material.created_at.timestamp()) if material.created_at else 0,
        pending_body=(pending.extracted_text or "")[:MAX_BODY_CHARS] if pending else "",
        pending_status=pending.status if pending else "",
    )


def _loaded():
    return select(Material).options(
        selectinload(Material.co_authors).selectinload(MaterialAuthor.user),
        selectinload(Material.author), selectinload(Material.department),
        selectinload(Material.subject), selectinload(Material.grade_level),
        selectinload(Material.school_year), selectinload(Material.live_version),
        selectinload(Material.versions))


def documents_for(ids: list[int]) -> tuple[list[SearchDocument], list[int]]:
    """Documents of the materials in `ids` that exist and are not deleted, and the other ids
    (to remove from the index)."""
    materials = db.session.scalars(_loaded().where(Material.id.in_(ids))).all()
    live = [m for m in materials if m.deleted_at is None]
    live_ids = {m.id for m in live}
    return [build_document(m) for m in live], [i for i in ids if i not in live_ids]


def indexable_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(Material.id)).where(Material.deleted_at.is_(None)))


def all_documents(batch: int = 500) -> Iterator[SearchDocument]:
    """Every material that belongs in the index, in id order, a batch at a time."""
    last = 0
    while True:
        ids = list(db.session.scalars(
            select(Material.id).where(Material.deleted_at.is_(None), Material.id > last)
            .order_by(Material.id).limit(batch)))
        if not ids:
            return
        documents, _gone = documents_for(ids)
        yield from documents
        last = ids[-1]
