"""PostgreSQL full-text search: the index is a table in the application's own database, so
several app servers share it and the indexer updates it in the outbox's own transaction.

Folded words go through the ``lms_search_folded`` text search configuration (``unaccent`` then
``simple``, created by the migration); accented words through ``simple``. Weights: title and
keywords A, description B, other metadata C, the text inside D.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lms.extensions import db

from ..analyzer import accented_tokens
from ..documents import SearchDocument
from ..query import ACCENT_BOOST, FACETS, PHRASE_BOOST, Hit, SearchPage, SearchRequest, Word
from .base import IndexUnavailable, Progress, SearchBackend

FOLDED = "lms_search_folded"
#: ts_rank weights for D, C, B, A
WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"

_VECTOR = (
    f"setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('{FOLDED}', :title), 'A')"
    " || setweight(to_tsvector('simple', :keywords), 'A')"
    f" || setweight(to_tsvector('{FOLDED}', :keywords), 'A')"
    " || setweight(to_tsvector('simple', :description), 'B')"
    f" || setweight(to_tsvector('{FOLDED}', :description), 'B')"
    f" || setweight(to_tsvector('{FOLDED}', :meta), 'C') || setweight(to_tsvector('{FOLDED}', :body), 'D')"
)
_INSERT = text(
    "INSERT INTO search_pg_document (material_id, stamp, department, subject, grade, type, year,"
    " status, approved, author_ids, created, document) VALUES (:id, :stamp, :department,"
    f" :subject, :grade, :type, :year, :status, :approved, :author_ids, :created, {_VECTOR})")


def _row(doc: SearchDocument) -> dict:
    row = {name: getattr(doc, name) for name in
           ("id", "stamp", *FACETS, "status", "approved", "author_ids", "created")}
    for name in ("title", "keywords", "description", "meta", "body"):
        # our tokenizer's words, so canonical tone placement applies before PostgreSQL's parser
        row[name] = " ".join(accented_tokens(getattr(doc, name)))
    return row


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def _phrase(words: list[str]) -> str:
    return "(" + " <-> ".join(_lexeme(w) for w in words) + ")"


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def apply(self, documents: list[SearchDocument], deleted_ids: list[int]) -> None:
        """Runs in the caller's transaction: the indexer commits it with the outbox rows."""
        ids = [*deleted_ids, *(doc.id for doc in documents)]
        if ids:
            db.session.execute(text("DELETE FROM search_pg_document WHERE material_id = ANY(:ids)"),
                               {"ids": ids})
        if documents:
            db.session.execute(_INSERT, [_row(doc) for doc in documents])

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None):
        # one transaction: readers see the old table until the new rows commit together
        db.session.execute(text("LOCK TABLE search_pg_document IN EXCLUSIVE MODE"))
        db.session.execute(text("DELETE FROM search_pg_document"))
        batch: list[dict] = []
        count = 0
        for count, doc in enumerate(documents, 1):
            batch.append(_row(doc))
            if len(batch) >= 500:
                db.session.execute(_INSERT, batch)
                batch = []
            if progress:
                progress(count)
        if batch:
            db.session.execute(_INSERT, batch)
        db.session.commit()

    def _where(self, request: SearchRequest) -> tuple[str, dict, dict]:
        parsed = request.query
        params: dict = {}
        conditions = []
        ranks: dict[str, str] = {}
        required = [_lexeme(w.folded) for w in parsed.words]
        required += [_phrase([w.folded for w in p]) for p in parsed.phrases]
        if required:
            params["required"] = " & ".join(required)
            conditions.append(f"document @@ to_tsquery('{FOLDED}', :required)")
            ranks["required"] = f"to_tsquery('{FOLDED}', :required)"
        accented = [w for w in parsed.words if w.has_marks]
        accented_phrases = [p for p in parsed.phrases if any(w.has_marks for w in p)]
        if accented or accented_phrases:
            params["accented"] = " | ".join(
                [_lexeme(w.accented) for w in accented]
                + [_phrase([w.accented for w in p]) for p in accented_phrases])
            ranks["accented"] = "to_tsquery('simple', :accented)"
        pairs: list[tuple[Word, Word]] = parsed.adjacent_pairs()
        if pairs:
            params["pairs"] = " | ".join(_phrase([a.folded, b.folded]) for a, b in pairs)
            ranks["pairs"] = f"to_tsquery('{FOLDED}', :pairs)"
        for name, value in request.filters.items():
            if value and name in FACETS:
                conditions.append(f'"{name}" = :f_{name}')
                params[f"f_{name}"] = value
        scope = request.scope
        if not scope.everything:
            allowed = ["approved"]
            if scope.user_id is not None:
                allowed.append(":uid = ANY(author_ids)")
                params["uid"] = scope.user_id
            if scope.head_department_id is not None:
                allowed.append("(department = :head_dept AND status <> 'draft')")
                params["head_dept"] = str(scope.head_department_id)
            conditions.append("(" + " OR ".join(allowed) + ")")
        return " AND ".join(conditions) or "TRUE", params, ranks

    def search(self, request: SearchRequest) -> SearchPage:
        where, params, ranks = self._where(request)
        factors = {"required": 1.0, "accented": ACCENT_BOOST, "pairs": PHRASE_BOOST}
        rank = " + ".join(f"{factors[name]} * ts_rank('{WEIGHTS}', document, {query})"
                          for name, query in ranks.items()) or "0"
        order = "created DESC, material_id DESC" if request.sort == "newest" or not ranks \
            else "score DESC, material_id"
        try:
            rows = db.session.execute(text(
                f"SELECT material_id, {rank} AS score FROM search_pg_document WHERE {where} "
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"),
                {**params, "limit": request.per_page, "offset": request.offset}).all()
            facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
            # the total and every facet in one pass over the matches, not one scan each
            union = " UNION ALL ".join(
                ["SELECT '' AS facet, '' AS value, count(*) AS n FROM matched"]
                + [f"SELECT '{name}', \"{name}\", count(*) FROM matched "
                   f"WHERE \"{name}\" <> '' GROUP BY \"{name}\""
                   for name in (FACETS if request.with_facets else ())])
            total = 0
            columns = ", ".join(f'"{name}"' for name in FACETS)
            for facet, value, count in db.session.execute(text(
                    f"WITH matched AS MATERIALIZED (SELECT {columns} "
                    f"FROM search_pg_document WHERE {where}) {union}"), params):
                if facet:
                    facets[facet][value] = count
                else:
                    total = count
        except DBAPIError as exc:
            db.session.rollback()
            raise IndexUnavailable(str(exc.orig)) from exc
        return SearchPage(hits=[Hit(r.material_id, float(r.score)) for r in rows],
                          total=total or 0, facets=facets if request.with_facets else {})

    def stamps(self) -> dict[int, str]:
        try:
            return dict(db.session.execute(
                text("SELECT material_id, stamp FROM search_pg_document")).all())
        except DBAPIError as exc:
            db.session.rollback()
            raise IndexUnavailable(str(exc.orig)) from exc
