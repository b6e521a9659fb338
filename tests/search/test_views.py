"""The /search page, the top-bar box, a missing or broken index, and the role × route matrix."""
from __future__ import annotations

import pytest

from tests.route_matrix import (
    AUTHENTICATED,
    CORE_ROUTES,
    PUBLIC,
    Case,
    assert_routes_declared,
    check_route_matrix,
)

from .conftest import PLUGINS, plugin

pytestmark = pytest.mark.plugins(*PLUGINS)

SEARCH_ROUTES = {
    "search.results": [Case(AUTHENTICATED, {"q": "phan so"}),
                       Case(AUTHENTICATED, {"q": "", "sort": "newest", "grade": "6"})],
    "search.instant": Case(AUTHENTICATED, {"q": "phan so"}),
    "search.static": Case(PUBLIC, {"filename": "search.css"}),
}


def _index(app):
    from plugins.search.indexer import drain, rebuild

    with app.app_context():
        rebuild(plugin(app).backend)
        drain(plugin(app).backend)


@pytest.mark.plugins("search")
def test_search_routes(app, demo):
    _index(app)
    assert_routes_declared(app, CORE_ROUTES, SEARCH_ROUTES)
    check_route_matrix(app, demo, SEARCH_ROUTES)


def test_results_page(app, client, login, add):
    add("Bài giảng Phân số lớp 6", grade=6, text="Phân số là gì? Ví dụ về phân số")
    add("Số thập phân", grade=7, description="Đọc và viết số thập phân")
    add("Nháp bí mật phân số", status="draft")
    _index(app)
    login("hs.6a1.01")
    page = client.get("/search?q=phan+so").get_data(as_text=True)
    assert "<mark>Phân</mark> <mark>số</mark>" in page
    assert "Nháp bí mật" not in page
    assert "Tìm thấy 2 học liệu." in page
    assert "Khối 6</a> (1)" in page and "Khối 7</a> (1)" in page
    filtered = client.get("/search?q=phan+so&grade=7").get_data(as_text=True)
    assert "<mark>Số</mark> thập <mark>phân</mark>" in filtered and "Bài giảng" not in filtered
    assert "<mark>phân</mark>" in filtered  # the description's snippet
    newest = client.get("/search?q=&sort=newest").get_data(as_text=True)
    assert newest.index("Số thập phân") < newest.index("Bài giảng Phân số lớp 6")
    assert "Nháp bí mật" not in newest
    assert client.get("/search?q=phan&page=abc").status_code == 200
    instant = client.get("/search/instant?q=phan+so").get_data(as_text=True)
    assert "Bài giảng <mark>Phân</mark> <mark>số</mark> lớp 6" in instant
    assert "Xem tất cả 2 kết quả" in instant
    assert client.get("/search/instant?q=p").get_data(as_text=True) == ""
    home = client.get("/").get_data(as_text=True)
    assert 'hx-get="/search/instant"' in home and "htmx" in home


def test_missing_or_corrupt_index_shows_a_message(app, client, login, add):
    from plugins.search.indexer import ensure_index

    add("Phân số")
    login("gv.toan")
    response = client.get("/search?q=phan+so")  # no index was ever built
    assert response.status_code == 503
    assert "đang được chuẩn bị lại" in response.get_data(as_text=True)
    assert "đang được chuẩn bị lại" in client.get("/search/instant?q=phan").get_data(as_text=True)
    backend = plugin(app).backend
    with app.app_context():
        assert ensure_index(backend) is True
        assert ensure_index(backend) is False
    assert "Tìm thấy 1 học liệu." in client.get("/search?q=phan+so").get_data(as_text=True)
    if backend.name in ("whoosh", "tantivy"):
        # a damaged index: no table of contents (Whoosh) or no meta.json (tantivy)
        for name in backend.swap.current().glob("*.toc" if backend.name == "whoosh" else "meta.json"):
            name.unlink()
        fresh_worker = type(backend)(backend.directory)  # a worker that opens it now
        plugin(app).backend = fresh_worker
        assert client.get("/search?q=phan+so").status_code == 503
        with app.app_context():
            assert ensure_index(fresh_worker) is True
        assert "Tìm thấy 1 học liệu." in client.get("/search?q=phan+so").get_data(as_text=True)
