"""Whoosh (pure Python, `whoosh-reloaded`): the default engine, files under search/whoosh/."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, Every, Not, Or, Phrase, Query, Term

from ..analyzer import accented_analyzer, folded_analyzer
from ..documents import SearchDocument
from ..query import (
    ACCENT_BOOST,
    ACCENTED_FIELDS,
    FACETS,
    FIELD_BOOSTS,
    PHRASE_BOOST,
    Hit,
    Scope,
    SearchPage,
    SearchRequest,
    Word,
)
from .base import DirectorySwap, IndexUnavailable, Progress, SearchBackend

log = logging.getLogger(__name__)
#: how long the indexer waits for another writer's lock before giving up on a batch
WRITER_TIMEOUT_S = 60.0


def schema() -> Schema:
    accented = {name: TEXT(analyzer=accented_analyzer(), phrase=True) for name in ACCENTED_FIELDS}
    folded = {f"{name}_f": TEXT(analyzer=folded_analyzer(), phrase=True) for name in FIELD_BOOSTS}
    facets = {name: ID(sortable=True) for name in FACETS}
    return Schema(id=ID(stored=True, unique=True), stamp=STORED, status=ID, approved=ID,
                  authors=KEYWORD, created=NUMERIC(bits=64, sortable=True),
                  **accented, **folded, **facets)


def _fields(doc: SearchDocument) -> dict:
    fields = {"id": str(doc.id), "stamp": doc.stamp, "status": doc.status,
              "approved": "1" if doc.approved else "0",
              "authors": " ".join(str(i) for i in doc.author_ids), "created": doc.created}
    for name in FIELD_BOOSTS:
        text = getattr(doc, name)
        fields[f"{name}_f"] = text
        if name in ACCENTED_FIELDS:
            fields[name] = text
    for name in FACETS:
        value = getattr(doc, name)
        if value:
            fields[name] = value
    return fields


def _word(word: Word) -> Query:
    parts: list[Query] = [Term(f"{name}_f", word.folded, boost=boost)
                          for name, boost in FIELD_BOOSTS.items()]
    if word.has_marks:
        parts += [Term(name, word.accented, boost=FIELD_BOOSTS[name] * ACCENT_BOOST)
                  for name in ACCENTED_FIELDS]
    return Or(parts)


def _phrase(words: tuple[Word, ...], factor: float = 1.0) -> Query:
    parts: list[Query] = [Phrase(f"{name}_f", [w.folded for w in words], boost=boost * factor)
                          for name, boost in FIELD_BOOSTS.items()]
    if any(w.has_marks for w in words):
        parts += [Phrase(name, [w.accented for w in words],
                         boost=FIELD_BOOSTS[name] * ACCENT_BOOST * factor)
                  for name in ACCENTED_FIELDS]
    return Or(parts)


def text_query(request: SearchRequest) -> Query:
    parsed = request.query
    if parsed.empty:
        return Every()
    required = And([_word(w) for w in parsed.words] + [_phrase(p) for p in parsed.phrases])
    pairs = parsed.adjacent_pairs()
    if not pairs:
        return required
    return AndMaybe(required, Or([_phrase(pair, PHRASE_BOOST) for pair in pairs]))


def scope_query(scope: Scope) -> Query | None:
    if scope.everything:
        return None
    allowed: list[Query] = [Term("approved", "1")]
    if scope.user_id is not None:
        allowed.append(Term("authors", str(scope.user_id)))
    if scope.head_department_id is not None:
        allowed.append(And([Term("department", str(scope.head_department_id)),
                            Not(Term("status", "draft"))]))
    return Or(allowed)


def filter_query(request: SearchRequest) -> Query | None:
    parts = [Term(name, value) for name, value in request.filters.items() if value]
    scope = scope_query(request.scope)
    if scope is not None:
        parts.append(scope)
    return And(parts) if parts else None


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.swap = DirectorySwap(self.directory / "whoosh")

    # Writing -------------------------------------------------------------------------------
    def _open_for_writing(self):
        path = self.swap.current()
        if path is None:
            raise IndexUnavailable("no index")
        try:
            return whoosh_index.open_dir(str(path))
        except Exception as exc:
            raise IndexUnavailable(str(exc)) from exc

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
    def _searcher(self):
        """This thread's searcher, kept between requests (opening one costs tens of milliseconds):
        reopened when a rebuild swapped directories or the indexer committed since."""
        cache = self.swap.per_thread()
        path = self.swap.current()
        if path is None:
            raise IndexUnavailable("no index")
        try:
            if getattr(cache, "path", None) != path:
                self._close(cache)
                cache.index = whoosh_index.open_dir(str(path))
                cache.searcher = cache.index.searcher()
                cache.path = path
            elif not cache.searcher.up_to_date():
                # Not Searcher.refresh(): reusing the unchanged segments' readers kept
                # documents deleted by an update visible, so the updated one showed twice.
                self._close(cache)
                cache.searcher = cache.index.searcher()
        except Exception as exc:
            cache.path = cache.searcher = None
            log.warning("search index at %s unusable: %s", path, exc)
            raise IndexUnavailable(str(exc)) from exc
        return cache.searcher

    @staticmethod
    def _close(cache) -> None:
        if getattr(cache, "searcher", None) is not None:
            cache.searcher.close()
            cache.searcher = None

    def search(self, request: SearchRequest) -> SearchPage:
        searcher = self._searcher()
        options = {"filter": filter_query(request)}
        if request.with_facets:
            options["groupedby"] = {name: sorting.FieldFacet(name, maptype=sorting.Count)
                                    for name in FACETS}
        if request.sort == "newest":
            options.update(sortedby="created", reverse=True)
        try:
            results = searcher.search(text_query(request),
                                      limit=request.offset + request.per_page, **options)
            page = results[request.offset: request.offset + request.per_page]
            hits = [Hit(int(hit["id"]), float(hit.score or 0.0)) for hit in page]
            facets = {}
            if request.with_facets:
                facets = {name: {str(k): v for k, v in results.groups(name).items() if k}
                          for name in FACETS}
            return SearchPage(hits=hits, total=len(results), facets=facets)
        except (OSError, EOFError, ValueError, whoosh_index.IndexError) as exc:
            self.swap.per_thread().path = None
            raise IndexUnavailable(str(exc)) from exc

    def stamps(self) -> dict[int, str]:
        searcher = self._searcher()
        return {int(fields["id"]): fields["stamp"] for fields in searcher.all_stored_fields()}
