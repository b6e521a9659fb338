"""tantivy (Rust, Python bindings): the fast embedded engine, files under search/tantivy/.

Text is analysed in Python (`analyzer`) and handed over as space-separated tokens, so tantivy's
whitespace tokenizer keeps positions for phrases and the three engines agree on every word.
"""
from __future__ import annotations

from collections.abc import Iterable

import tantivy
from tantivy import Occur, Order, Query

from ..analyzer import accented_tokens, folded_tokens
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

HEAP_BYTES = 64 * 1024 * 1024


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("stamp", stored=True, tokenizer_name="raw", index_option="basic")
    for name in ACCENTED_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace")
    for name in FIELD_BOOSTS:
        builder.add_text_field(f"{name}_f", tokenizer_name="whitespace")
    builder.add_text_field("pending_f", tokenizer_name="whitespace")
    for name in (*FACETS, "status", "approved", "pending_status"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field("authors", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("created", fast=True, indexed=False)
    return builder.build()


def _document(doc: SearchDocument) -> tantivy.Document:
    document = tantivy.Document()
    document.add_text("id", str(doc.id))
    document.add_text("stamp", doc.stamp)
    for name in FIELD_BOOSTS:
        text = getattr(doc, name)
        document.add_text(f"{name}_f", " ".join(folded_tokens(text)))
        if name in ACCENTED_FIELDS:
            document.add_text(name, " ".join(accented_tokens(text)))
    for name in FACETS:
        if getattr(doc, name):
            document.add_text(name, getattr(doc, name))
    document.add_text("status", doc.status)
    document.add_text("approved", "1" if doc.approved else "0")
    document.add_text("pending_f", " ".join(folded_tokens(doc.pending_body)))
    if doc.pending_status:
        document.add_text("pending_status", doc.pending_status)
    for author_id in doc.author_ids:
        document.add_text("authors", str(author_id))
    # the sort key of "newest first": seconds, then the id, so materials created in the same
    # second come newest-written first as on the other engines (tantivy sorts by one field)
    document.add_integer("created", doc.created * 1_000_000_000 + doc.id)
    return document


class _Builder:
    """tantivy queries from the shared query model."""

    def __init__(self, schema: tantivy.Schema, scope: Scope) -> None:
        self.schema = schema
        #: the documents whose pending text the user may find (None: none at all)
        self.pending = self.pending_scope(scope)

    def term(self, field: str, value: str, boost: float = 1.0) -> Query:
        query = Query.term_query(self.schema, field, value)
        return Query.boost_query(query, boost) if boost != 1.0 else query

    def phrase(self, field: str, words: list[str], boost: float) -> Query:
        return Query.boost_query(Query.phrase_query(self.schema, field, words), boost)

    @staticmethod
    def any_of(queries: list[Query]) -> Query:
        return Query.boolean_query([(Occur.Should, q) for q in queries])

    def on_pending(self, query: Query) -> list[Query]:
        """`query` on the pending text, for the documents whose pending text the user may see."""
        if self.pending is None:
            return []
        return [Query.boolean_query([(Occur.Must, query),
                                     (Occur.Must, Query.const_score_query(self.pending, 0.0))])]

    def word(self, word: Word) -> Query:
        parts = [self.term(f"{name}_f", word.folded, boost) for name, boost in FIELD_BOOSTS.items()]
        if word.has_marks:
            parts += [self.term(name, word.accented, FIELD_BOOSTS[name] * ACCENT_BOOST)
                      for name in ACCENTED_FIELDS]
        parts += self.on_pending(self.term("pending_f", word.folded, FIELD_BOOSTS["body"]))
        return self.any_of(parts)

    def words(self, words: tuple[Word, ...], factor: float = 1.0) -> Query:
        parts = [self.phrase(f"{name}_f", [w.folded for w in words], boost * factor)
                 for name, boost in FIELD_BOOSTS.items()]
        if any(w.has_marks for w in words):
            parts += [self.phrase(name, [w.accented for w in words],
                                  FIELD_BOOSTS[name] * ACCENT_BOOST * factor)
                      for name in ACCENTED_FIELDS]
        parts += self.on_pending(self.phrase("pending_f", [w.folded for w in words],
                                             FIELD_BOOSTS["body"] * factor))
        return self.any_of(parts)

    def grants(self, scope: Scope, status_field: str) -> list[Query]:
        """`Scope`'s grants beyond "approved", on the material's or the pending version's
        status."""
        grants = []
        if scope.user_id is not None:
            grants.append(self.term("authors", str(scope.user_id)))
        if scope.department_id is not None:
            department = self.term("department", str(scope.department_id))
            if scope.department_statuses is None:
                grants.append(department)
            elif scope.department_statuses:
                statuses = self.any_of([self.term(status_field, status)
                                        for status in scope.department_statuses])
                grants.append(Query.boolean_query([(Occur.Must, department),
                                                   (Occur.Must, statuses)]))
        return grants

    def scope(self, scope: Scope) -> Query | None:
        """The materials `scope` lets the user find (see `Scope`); None for all."""
        if scope.everything:
            return None
        return self.any_of([self.term("approved", "1"), *self.grants(scope, "status")])

    def pending_scope(self, scope: Scope) -> Query | None:
        if scope.everything:
            return Query.all_query()
        grants = self.grants(scope, "pending_status")
        return self.any_of(grants) if grants else None

    def request(self, request: SearchRequest) -> Query:
        parsed = request.query
        clauses: list[tuple] = []
        if parsed.empty:
            clauses.append((Occur.Must, Query.all_query()))
        clauses += [(Occur.Must, self.word(w)) for w in parsed.words]
        clauses += [(Occur.Must, self.words(p)) for p in parsed.phrases]
        clauses += [(Occur.Should, self.words(pair, PHRASE_BOOST))
                    for pair in parsed.adjacent_pairs()]
        # filters narrow the matches without adding to the score
        filters = [self.term(name, value) for name, value in request.filters.items() if value]
        scope = self.scope(request.scope)
        if scope is not None:
            filters.append(scope)
        clauses += [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
        return Query.boolean_query(clauses)


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.swap = DirectorySwap(self.directory / "tantivy")

    def _open(self, path) -> tantivy.Index:
        try:
            index = tantivy.Index.open(str(path))
            # built before the pending version's fields existed: the indexer rebuilds it
            Query.term_query(index.schema, "pending_status", "")
            Query.term_query(index.schema, "pending_f", "")
            return index
        except Exception as exc:  # tantivy reports every unreadable index as ValueError
            raise IndexUnavailable(str(exc)) from exc

    def apply(self, documents: list[SearchDocument], deleted_ids: list[int]) -> None:
        path = self.swap.current()
        if path is None:
            raise IndexUnavailable("no index")
        index = self._open(path)
        writer = index.writer(HEAP_BYTES, 1)
        for material_id in [*deleted_ids, *(doc.id for doc in documents)]:
            writer.delete_documents_by_term("id", str(material_id))
        for doc in documents:
            writer.add_document(_document(doc))
        writer.commit()
        writer.wait_merging_threads()

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None):
        path = self.swap.new_directory()
        index = tantivy.Index(schema(), path=str(path))
        writer = index.writer(HEAP_BYTES * 4, 2)
        for count, doc in enumerate(documents, 1):
            writer.add_document(_document(doc))
            if progress:
                progress(count)
        writer.commit()
        writer.wait_merging_threads()
        self.swap.swap_to(path)

    def _searcher(self) -> tuple[tantivy.Searcher, tantivy.Schema]:
        cache = self.swap.per_thread()
        path = self.swap.current()
        if path is None:
            raise IndexUnavailable("no index")
        try:
            if getattr(cache, "path", None) != path:
                cache.index = self._open(path)
                cache.path = path
            else:
                cache.index.reload()  # see the indexer's latest commit
            return cache.index.searcher(), cache.index.schema
        except Exception as exc:
            cache.path = None
            raise IndexUnavailable(str(exc)) from exc

    def search(self, request: SearchRequest) -> SearchPage:
        searcher, schema_ = self._searcher()
        query = _Builder(schema_, request.scope).request(request)
        options = {"limit": request.per_page, "offset": request.offset, "count": True}
        if request.sort == "newest":
            options.update(order_by_field="created", order=Order.Desc)
        try:
            result = searcher.search(query, **options)
            hits = []
            for key, address in result.hits:
                stored = searcher.doc(address)
                score = float(key) if request.sort != "newest" else 0.0
                hits.append(Hit(int(stored["id"][0]), score))
            facets = {}
            if request.with_facets:
                aggregations = searcher.aggregate(query, {
                    name: {"terms": {"field": name, "size": 1000}} for name in FACETS})
                facets = {name: {str(b["key"]): int(b["doc_count"])
                                 for b in aggregations.get(name, {}).get("buckets", []) if b["key"]}
                          for name in FACETS}
        except ValueError as exc:
            raise IndexUnavailable(str(exc)) from exc
        return SearchPage(hits=hits, total=result.count or 0, facets=facets)

    def stamps(self) -> dict[int, str]:
        searcher, _schema = self._searcher()
        total = searcher.num_docs
        if not total:
            return {}
        found = {}
        for _score, address in searcher.search(Query.all_query(), limit=total).hits:
            stored = searcher.doc(address)
            found[int(stored["id"][0])] = stored["stamp"][0]
        return found
