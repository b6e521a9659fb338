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
from ..query import (
    ACCENT_BOOST,
    FACETS,
    PHRASE_BOOST,
    Hit,
    Scope,
    SearchPage,
    SearchRequest,
    Word,
)
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
    " status, approved, author_ids, created, document, pending_status, pending_document)"
    " VALUES (:id, :stamp, :department, :subject, :grade, :type, :year, :status, :approved,"
    f" :author_ids, :created, {_VECTOR}, :pending_status,"
    f" setweight(to_tsvector('{FOLDED}', :pending_body), 'D'))")


def _row(doc: SearchDocument) -> dict:
    row = {name: getattr(doc, name) for name in
           ("id", "stamp", *FACETS, "status", "approved", "author_ids", "created",
            "pending_status")}
    for name in ("title", "keywords", "description", "meta", "body", "pending_body"):
        # our tokenizer's words, so canonical tone placement applies before PostgreSQL's parser
        row[name] = " ".join(accented_tokens(getattr(doc, name)))
    return row


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def _phrase(words: list[str]) -> str:
    return "(" + " <-> ".join(_lexeme(w) for w in words) + ")"


def _grants(scope: Scope, status_column: str, params: dict) -> list[str]:
    """`Scope`'s grants beyond "approved", on the material's or the pending version's status."""
    grants = []
    if scope.user_id is not None:
        grants.append(":uid = ANY(author_ids)")
        params["uid"] = scope.user_id
    if scope.department_id is not None:
        params["dept"] = str(scope.department_id)
        if scope.department_statuses is None:
            grants.append("department = :dept")
        elif scope.department_statuses:
            params["dept_statuses"] = list(scope.department_statuses)
            grants.append(f"(department = :dept AND {status_column} = ANY(:dept_statuses))")
    return grants


def _scope_conditions(scope: Scope, params: dict) -> tuple[str, str]:
    """SQL for the materials `scope` lets the user find and for the rows whose pending text
    they may find (see `Scope`)."""
    if scope.everything:
        return "TRUE", "TRUE"
    allowed = "(" + " OR ".join(["approved", *_grants(scope, "status", params)]) + ")"
    pending = _grants(scope, "pending_status", params)
    return allowed, "(" + " OR ".join(pending) + ")" if pending else "FALSE"


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

    def _where(self, request: SearchRequest) -> tuple[str, dict, dict, str]:
        """WHERE clause, its parameters, the rank queries and the vector they rank."""
        parsed = request.query
        params: dict = {}
        conditions = []
        ranks: dict[str, str] = {}
        allowed, pending = _scope_conditions(request.scope, params)
        conditions.append(allowed)
        # the pending version's text joins the document only for rows the user may see it in
        vector = f"(CASE WHEN {pending} THEN document || pending_document ELSE document END)" \
            if pending != "FALSE" else "document"
        required = [_lexeme(w.folded) for w in parsed.words]
        required += [_phrase([w.folded for w in p]) for p in parsed.phrases]
        if required:
            params["required"] = " & ".join(required)
            query = f"to_tsquery('{FOLDED}', :required)"
            # the plain test first, so the GIN index still narrows the rows
            conditions.append(f"(document @@ {query} OR ({pending} AND {vector} @@ {query}))"
                              if vector != "document" else f"document @@ {query}")
            ranks["required"] = query
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
        return " AND ".join(conditions) or "TRUE", params, ranks, vector

    def search(self, request: SearchRequest) -> SearchPage:
        where, params, ranks, vector = self._where(request)
        factors = {"required": 1.0, "accented": ACCENT_BOOST, "pairs": PHRASE_BOOST}
        rank = " + ".join(f"{factors[name]} * ts_rank('{WEIGHTS}', {vector}, {query})"
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
