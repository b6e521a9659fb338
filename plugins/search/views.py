"""/search: results with snippets, facets, filters, sort and pages; /search/instant for the
top-bar box (htmx)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, Material, SchoolYear, Subject
from lms.plugins import registry

from .backends import IndexUnavailable
from .documents import searchable_text
from .query import FACETS, SORTS, Scope, SearchPage, SearchRequest
from .snippets import has_match, highlight

bp = Blueprint("search", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/search")
MAX_PAGE = 500


def plugin():
    return registry().plugins["search"]


@dataclass
class Pages:
    """What the shared pagination macro reads."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, min(int(request.args.get(name, default)), MAX_PAGE))
    except ValueError:
        return default


def _search(text: str, *, per_page: int, page: int = 1, filters=None, sort="relevance",
            with_facets=True) -> SearchPage:
    search_request = SearchRequest(text=text[:300], scope=Scope.for_user(current_user),
                                   filters=filters or {}, sort=sort, page=page,
                                   per_page=per_page, with_facets=with_facets)
    return plugin().backend.search(search_request)


def _materials(ids: list[int]) -> list[Material]:
    """The page's materials from the database, in the index's order; a material deleted since
    it was indexed is simply left out."""
    found = {m.id: m for m in db.session.scalars(
        select(Material).where(Material.id.in_(ids), Material.deleted_at.is_(None)))}
    return [found[i] for i in ids if i in found]


def _facet_labels() -> dict[str, dict[str, str]]:
    types = registry().content_types
    return {
        "department": {str(d.id): d.name for d in db.session.scalars(select(Department))},
        "subject": {str(s.id): s.name for s in db.session.scalars(select(Subject))},
        "grade": {},
        "type": {t.id: str(t.name) for t in types},
        "year": {str(y.id): y.name for y in db.session.scalars(select(SchoolYear))},
    }


def _result(material: Material, terms: set[str]) -> dict:
    """Title and snippet of one result, marked where the query's words are."""
    snippet_source = next(
        (text for text in (material.description, searchable_text(material), material.keywords)
         if has_match(text, terms)), material.description or "")
    return {"material": material, "title": highlight(material.title, terms, window=60),
            "snippet": highlight(snippet_source, terms)}


@bp.route("/search")
@login_required
def results():
    text = request.args.get("q", "").strip()
    filters = {name: request.args.get(name, "").strip() for name in FACETS}
    filters = {name: value for name, value in filters.items() if value}
    sort = request.args.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    per_page = plugin().settings["page_size"]
    page_number = _int_arg("page", 1)
    context = {"q": text, "filters": filters, "sort": sort, "facet_names": _facet_names()}
    try:
        found = _search(text, per_page=per_page, page=page_number, filters=filters, sort=sort)
    except IndexUnavailable:
        current_app.logger.warning("search index unavailable for /search")
        return render_template("search/results.html", unavailable=True, **context), 503
    terms = _terms(text)
    items = [_result(m, terms) for m in _materials(found.ids)]
    pages = Pages(page_number, max(1, math.ceil(found.total / per_page)))
    link_values = {k: v for k, v in {"q": text, "sort": sort, **filters}.items() if v}
    return render_template("search/results.html", unavailable=False, items=items,
                           total=found.total, facets=found.facets, labels=_facet_labels(),
                           pages=pages, link_values=link_values, **context)


@bp.route("/search/instant")
@login_required
def instant():
    text = request.args.get("q", "").strip()
    if len(text) < 2:
        return ""
    try:
        found = _search(text, per_page=plugin().settings["instant_results"], with_facets=False)
    except IndexUnavailable:
        return render_template("search/_instant.html", unavailable=True, items=[], q=text)
    terms = _terms(text)
    items = [{"material": m, "title": highlight(m.title, terms, window=60)}
             for m in _materials(found.ids)]
    return render_template("search/_instant.html", unavailable=False, items=items, q=text,
                           total=found.total)


def _terms(text: str) -> set[str]:
    from .query import parse_query

    return parse_query(text).all_folded()


def _facet_names() -> dict[str, str]:
    return {"department": _("Tổ bộ môn"), "subject": _("Môn"), "grade": _("Khối"),
            "type": _("Định dạng"), "year": _("Năm học")}

