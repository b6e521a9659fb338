"""Whoosh (pure Python, `whoosh-reloaded`), files under search/whoosh/.

Pure Python scores every candidate in the interpreter, so a search does the least it can:

* matching, the total and the facet counts come from one unscored pass over the folded fields,
  intersected with the permission scope; both the scope's document set and the facet columns
  are computed once per opened searcher and reused until the indexer commits;
* only those documents are scored, and only the requested page is ranked (``limit``);
* the bonus for adjacent query syllables is a term lookup in ``<field>_p``, where each two
  adjacent folded words are indexed as one term, not a positional phrase match (quoted phrases,
  which are required, still are); it covers the short fields, not the text inside.
"""
from __future__ import annotations

import heapq
import logging
from collections import Counter
from collections.abc import Iterable

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, Every, Or, Phrase, Query, Term

from ..analyzer import accented_analyzer, folded_analyzer, pairs_analyzer
from ..documents import SearchDocument
from ..query import (
    ACCENT_BOOST,
    ACCENTED_FIELDS,
    FACETS,
    FIELD_BOOSTS,
    PHRASE_BOOST,
    Hit,
    ParsedQuery,
    Scope,
    SearchPage,
    SearchRequest,
    Word,
)
from .base import DirectorySwap, IndexUnavailable, Progress, SearchBackend

log = logging.getLogger(__name__)
#: how long the indexer waits for another writer's lock before giving up on a batch
WRITER_TIMEOUT_S = 60.0
#: fields whose adjacent word pairs are indexed for the phrase bonus
PAIR_FIELDS = ("title", "keywords", "description", "meta")
#: permission scopes whose document sets one reader keeps (a school has a few hundred users)
MAX_CACHED_SCOPES = 512


def schema() -> Schema:
    accented = {name: TEXT(analyzer=accented_analyzer(), phrase=True) for name in ACCENTED_FIELDS}
    folded = {f"{name}_f": TEXT(analyzer=folded_analyzer(), phrase=True) for name in FIELD_BOOSTS}
    pairs = {f"{name}_p": TEXT(analyzer=pairs_analyzer(), phrase=False) for name in PAIR_FIELDS}
    facets = {name: ID(sortable=True) for name in FACETS}
    return Schema(id=ID(stored=True, unique=True), stamp=STORED, status=ID, approved=ID,
                  authors=KEYWORD, created=NUMERIC(bits=64, sortable=True),
                  pending_f=TEXT(analyzer=folded_analyzer(), phrase=True), pending_status=ID,
                  **accented, **folded, **pairs, **facets)


def _fields(doc: SearchDocument) -> dict:
    fields = {"id": str(doc.id), "stamp": doc.stamp, "status": doc.status,
              "approved": "1" if doc.approved else "0",
              "authors": " ".join(str(i) for i in doc.author_ids), "created": doc.created,
              "pending_f": doc.pending_body, "pending_status": doc.pending_status}
    for name in FIELD_BOOSTS:
        text = getattr(doc, name)
        fields[f"{name}_f"] = text
        if name in ACCENTED_FIELDS:
            fields[name] = text
        if name in PAIR_FIELDS:
            fields[f"{name}_p"] = text
    for name in FACETS:
        value = getattr(doc, name)
        if value:
            fields[name] = value
    return fields


def _pending(query: Query, pending: Query | None) -> list[Query]:
    """`query` on the pending text, for the documents whose pending text the user may see."""
    return [] if pending is None else [And([query, pending])]


def _word(word: Word, pending: Query | None) -> Query:
    parts: list[Query] = [Term(f"{name}_f", word.folded, boost=boost)
                          for name, boost in FIELD_BOOSTS.items()]
    if word.has_marks:
        parts += [Term(name, word.accented, boost=FIELD_BOOSTS[name] * ACCENT_BOOST)
                  for name in ACCENTED_FIELDS]
    parts += _pending(Term("pending_f", word.folded, boost=FIELD_BOOSTS["body"]), pending)
    return Or(parts)


def _phrase(words: tuple[Word, ...], pending: Query | None) -> Query:
    parts: list[Query] = [Phrase(f"{name}_f", [w.folded for w in words], boost=boost)
                          for name, boost in FIELD_BOOSTS.items()]
    if any(w.has_marks for w in words):
        parts += [Phrase(name, [w.accented for w in words], boost=FIELD_BOOSTS[name] * ACCENT_BOOST)
                  for name in ACCENTED_FIELDS]
    parts += _pending(Phrase("pending_f", [w.folded for w in words],
                             boost=FIELD_BOOSTS["body"]), pending)
    return Or(parts)


def _pair(first: Word, second: Word) -> Query:
    return Or([Term(f"{name}_p", f"{first.folded} {second.folded}",
                    boost=FIELD_BOOSTS[name] * PHRASE_BOOST) for name in PAIR_FIELDS])


def text_query(parsed: ParsedQuery, scope: Scope) -> Query:
    """The scored query: every syllable and quoted phrase, accents and adjacent pairs as bonus."""
    if parsed.empty:
        return Every()
    pending = pending_scope_query(scope)
    required = And([_word(w, pending) for w in parsed.words]
                   + [_phrase(p, pending) for p in parsed.phrases])
    pairs = parsed.adjacent_pairs()
    if not pairs:
        return required
    return AndMaybe(required, Or([_pair(*pair) for pair in pairs]))


def matching_query(parsed: ParsedQuery, scope: Scope) -> Query:
    """Which documents match, unscored: the folded fields alone decide (an accented word found
    in an accented field is always found folded in its folded twin)."""
    pending = pending_scope_query(scope)
    words = [Or([Term(f"{name}_f", w.folded) for name in FIELD_BOOSTS]
                + _pending(Term("pending_f", w.folded), pending)) for w in parsed.words]
    phrases = [Or([Phrase(f"{name}_f", [w.folded for w in p]) for name in FIELD_BOOSTS]
                  + _pending(Phrase("pending_f", [w.folded for w in p]), pending))
               for p in parsed.phrases]
    return And(words + phrases)


def _grants(scope: Scope, status_field: str) -> list[Query]:
    """`Scope`'s grants beyond "approved", on the material's or the pending version's status."""
    grants: list[Query] = []
    if scope.user_id is not None:
        grants.append(Term("authors", str(scope.user_id)))
    if scope.department_id is not None:
        department = Term("department", str(scope.department_id))
        if scope.department_statuses is None:
            grants.append(department)
        elif scope.department_statuses:
            grants.append(And([department, Or([Term(status_field, status)
                                               for status in scope.department_statuses])]))
    return grants


def scope_query(scope: Scope) -> Query:
    """The materials `scope` lets the user find (see `Scope`)."""
    return Or([Term("approved", "1"), *_grants(scope, "status")])


def pending_scope_query(scope: Scope) -> Query | None:
    """The documents whose pending text the user may find; None when there are none."""
    if scope.everything:
        return Every()
    grants = _grants(scope, "pending_status")
    return Or(grants) if grants else None


class _Reader:
    """One opened searcher and what it derives once: facet columns, permission scopes' sets."""

    def __init__(self, index) -> None:
        self.searcher = index.searcher()
        self._columns: dict[str, list] = {}
        self._scopes: dict[Scope, frozenset[int]] = {}
        self._everything: frozenset[int] | None = None

    def close(self) -> None:
        self.searcher.close()

    def column(self, name: str) -> list:
        """The field's value for every document number."""
        if name not in self._columns:
            # segment by segment: MultiReader.column_reader skips a segment without the
            # column, which shifts every later document's value
            values: list = []
            segments = self.searcher.leaf_searchers() if self.searcher.doc_count_all() else []
            for segment, offset in segments:
                values.extend([None] * (offset - len(values)))
                values.extend(segment.reader().column_reader(name))
            self._columns[name] = values
        return self._columns[name]

    def everything(self) -> frozenset[int]:
        if self._everything is None:
            self._everything = frozenset(self.searcher.reader().all_doc_ids())
        return self._everything

    def allowed(self, scope: Scope) -> frozenset[int]:
        if scope.everything:
            return self.everything()
        if scope not in self._scopes:
            if len(self._scopes) >= MAX_CACHED_SCOPES:
                self._scopes.clear()
            self._scopes[scope] = frozenset(self.searcher.docs_for_query(scope_query(scope)))
        return self._scopes[scope]

    def matching(self, request: SearchRequest) -> set[int] | frozenset[int]:
        """Document numbers the user may see that match the text and the filters."""
        parsed = request.query
        allowed = self.allowed(request.scope)
        if parsed.empty:
            docs = allowed
        else:
            docs = allowed.intersection(
                self.searcher.docs_for_query(matching_query(parsed, request.scope)))
        for name, value in request.filters.items():
            if value and name in FACETS:
                column = self.column(name)
                docs = {d for d in docs if column[d] == value}
        return docs

    def facets(self, docs) -> dict[str, dict[str, int]]:
        found = {}
        for name in FACETS:
            counts = Counter(map(self.column(name).__getitem__, docs))
            found[name] = {str(value): n for value, n in counts.items() if value}
        return found

    def page(self, request: SearchRequest, docs) -> list[Hit]:
        end = request.offset + request.per_page
        parsed = request.query
        if not docs:  # (an empty filter set would mean no filter to Whoosh)
            return []
        if request.sort == "newest":
            created = self.column("created")
            # ties (same second) newest-written first, as the other engines' id order
            ranked = [(d, 0.0) for d in heapq.nlargest(end, docs, key=lambda d: (created[d], d))]
        elif parsed.empty:
            ranked = [(d, 0.0) for d in heapq.nsmallest(end, docs)]
        else:
            allowed = docs if isinstance(docs, set) else set(docs)  # Whoosh takes set, not frozenset
            results = self.searcher.search(text_query(parsed, request.scope), limit=end,
                                           filter=allowed)
            ranked = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
        stored = self.searcher.stored_fields
        return [Hit(int(stored(d)["id"]), score) for d, score in ranked[request.offset:end]]


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.swap = DirectorySwap(self.directory / "whoosh")

    # Writing -------------------------------------------------------------------------------
    def _open(self, path):
        try:
            ix = whoosh_index.open_dir(str(path))
        except Exception as exc:
            raise IndexUnavailable(str(exc)) from exc
        if set(schema().names()) - set(ix.schema.names()):
            ix.close()
            # built by an earlier version of this module: the indexer rebuilds it
            raise IndexUnavailable("index schema out of date")
        return ix

    def _open_for_writing(self):
        path = self.swap.current()
        if path is None:
            raise IndexUnavailable("no index")
        return self._open(path)

    def apply(self, documents: list[SearchDocument], deleted_ids: list[int]) -> None:
        ix = self._open_for_writing()
        # waits for another writer's lock instead of failing (a plain writer() raises at once)
        writer = ix.writer(timeout=WRITER_TIMEOUT_S)
        try:
            for material_id in deleted_ids:
                writer.delete_by_term("id", str(material_id))
            for doc in documents:
                writer.update_document(**_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        ix.close()

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None):
        path = self.swap.new_directory()
        ix = whoosh_index.create_in(str(path), schema())
        # one writer, one commit; limitmb bounds the pool flushed to disk in sorted runs
        writer = ix.writer(limitmb=256)
        try:
            for count, doc in enumerate(documents, 1):
                writer.add_document(**_fields(doc))
                if progress:
                    progress(count)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        ix.close()
        self.swap.swap_to(path)

    # Reading -------------------------------------------------------------------------------
    def _reader(self) -> _Reader:
        """This thread's reader, kept between requests (opening one costs tens of milliseconds):
        reopened when a rebuild swapped directories or the indexer committed since."""
        cache = self.swap.per_thread()
        path = self.swap.current()
        if path is None:
            raise IndexUnavailable("no index")
        try:
            if getattr(cache, "path", None) != path:
                self._close(cache)
                cache.index = self._open(path)
                cache.reader = _Reader(cache.index)
                cache.path = path
            elif not cache.reader.searcher.up_to_date():
                # A fresh searcher, not Searcher.refresh(): reusing the unchanged segments'
                # readers kept documents deleted by an update visible, so it showed twice.
                self._close(cache)
                cache.reader = _Reader(cache.index)
        except Exception as exc:
            self._close(cache)
            cache.path = None
            log.warning("search index at %s unusable: %s", path, exc)
            if isinstance(exc, IndexUnavailable):
                raise
            raise IndexUnavailable(str(exc)) from exc
        return cache.reader

    @staticmethod
    def _close(cache) -> None:
        if getattr(cache, "reader", None) is not None:
            cache.reader.close()
            cache.reader = None

    def search(self, request: SearchRequest) -> SearchPage:
        reader = self._reader()
        try:
            docs = reader.matching(request)
            return SearchPage(hits=reader.page(request, docs), total=len(docs),
                              facets=reader.facets(docs) if request.with_facets else {})
        except (OSError, EOFError, ValueError, whoosh_index.IndexError) as exc:
            self.swap.per_thread().path = None
            raise IndexUnavailable(str(exc)) from exc

    def stamps(self) -> dict[int, str]:
        searcher = self._reader().searcher
        return {int(fields["id"]): fields["stamp"] for fields in searcher.all_stored_fields()}
