"""What a search asks (text, filters, sort, page, who asks) and what it returns."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analyzer import accented_tokens, fold

#: facet name -> the document field it counts; also the filters the results page offers
FACETS = ("department", "subject", "grade", "type", "year")
SORTS = ("relevance", "newest")

#: how much a match in each field weighs; an accented match counts ACCENT_BOOST times more
FIELD_BOOSTS = {"title": 6.0, "keywords": 4.0, "description": 2.0, "meta": 1.5, "body": 1.0}
ACCENTED_FIELDS = ("title", "keywords", "description")
ACCENT_BOOST = 2.0
#: an optional bonus for two query syllables found next to each other ("phân số")
PHRASE_BOOST = 3.0
MAX_TERMS = 12

_QUOTED = re.compile(r"\"([^\"]*)\"|“([^”]*)”")


@dataclass(frozen=True)
class Word:
    accented: str  #: canonical lower-case form (tone in the traditional place)
    folded: str

    @property
    def has_marks(self) -> bool:
        return self.accented != self.folded


@dataclass(frozen=True)
class ParsedQuery:
    """Loose syllables (all required, any field) and quoted phrases (each required)."""

    words: tuple[Word, ...] = ()
    phrases: tuple[tuple[Word, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    def adjacent_pairs(self) -> list[tuple[Word, Word]]:
        return list(zip(self.words, self.words[1:], strict=False))

    def all_folded(self) -> set[str]:
        found = {w.folded for w in self.words}
        for phrase in self.phrases:
            found.update(w.folded for w in phrase)
        return found


def _words(text: str) -> tuple[Word, ...]:
    return tuple(Word(token, fold(token)) for token in accented_tokens(text))


def parse_query(text: str) -> ParsedQuery:
    """Quoted parts become phrases; every other word a required syllable (capped)."""
    text = text or ""
    phrases = []
    for match in _QUOTED.finditer(text):
        phrase = _words(match.group(1) or match.group(2) or "")
        if len(phrase) == 1:
            text += " " + phrase[0].accented
        elif phrase:
            phrases.append(phrase[:MAX_TERMS])
    loose = _words(_QUOTED.sub(" ", text))
    seen: list[Word] = []
    for word in loose:
        if word not in seen:
            seen.append(word)
    return ParsedQuery(tuple(seen[:MAX_TERMS]), tuple(phrases[:4]))


@dataclass(frozen=True)
class Scope:
    """Which materials, and which of their text, a user may find.

    The source of truth is `lms.permissions.material_visibility` (and, for the text of a
    version under review, `can_view_version`); `for_user` derives this scope from the same
    inputs (roles, department membership and position, authorship) and the backends translate
    it into their query language, so search never shows what the library would refuse.

    A material is found when it is approved (`approved_at` set), or `user_id` wrote it, or it
    belongs to `department_id` and its status is in `department_statuses` (None: any status).
    The newest version's text of an approved material under revision ("pending" text) follows
    the same grants, with the version's own status in place of the material's.
    """

    everything: bool = False
    #: the uploader or a co-author: their own materials in any status
    user_id: int | None = None
    #: the department whose staff the user is
    department_id: int | None = None
    #: statuses of the department's materials the user sees; None for its head and deputy
    department_statuses: tuple[str, ...] | None = ()

    @classmethod
    def for_user(cls, user) -> Scope:
        """Mirror of `material_visibility(user)`: keep the two in step."""
        from lms.models import Role
        from lms.permissions import DEPARTMENT_REVIEW_STATUSES

        if user.is_board or user.has_role(Role.ADMIN):
            return cls(everything=True)
        if not user.is_staff:
            return cls()
        membership = user.department_membership
        if membership is None:
            return cls(user_id=user.id)
        heads = membership.position in ("head", "deputy")
        return cls(user_id=user.id, department_id=membership.department_id,
                   department_statuses=None if heads else tuple(DEPARTMENT_REVIEW_STATUSES))


@dataclass
class SearchRequest:
    text: str = ""
    scope: Scope = field(default_factory=Scope)
    #: facet name -> required value (ids as strings, the content type id for "type")
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    with_facets: bool = True

    @property
    def query(self) -> ParsedQuery:
        return parse_query(self.text)

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.per_page


@dataclass
class Hit:
    material_id: int
    score: float


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    #: facet name -> {value: count} over every match (not just this page)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [hit.material_id for hit in self.hits]
