"""/vendor/: browser libraries from node_modules, only from the allowed folders."""
import json

import pytest

from lms.vendor import ONE_YEAR


@pytest.fixture
def node_modules(tmp_path):
    root = tmp_path / "node_modules"
    (root / "htmx.org" / "dist").mkdir(parents=True)
    (root / "htmx.org" / "dist" / "htmx.min.js").write_text("var htmx = {};")
    (root / "htmx.org" / "package.json").write_text(json.dumps({"version": "2.0.11"}))
    (root / "scorm-again" / "dist").mkdir(parents=True)
    (root / "scorm-again" / "dist" / "scorm12.min.js.map").write_text("{}")
    (root / "left-pad" / "dist").mkdir(parents=True)
    (root / "left-pad" / "dist" / "index.js").write_text("module.exports = 1;")
    (tmp_path / "secret.txt").write_text("do not serve")
    return root


@pytest.fixture
def vendor_client(app, node_modules):
    app.config["LMS_NODE_MODULES"] = str(node_modules)
    return app.test_client()


def get(client, path):
    response = client.get(path)
    response.close()
    return response


def test_serves_allowed_files_with_type_and_long_caching(vendor_client):
    response = vendor_client.get("/vendor/htmx.org/dist/htmx.min.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "var htmx = {};"
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert f"max-age={ONE_YEAR}" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    map_file = get(vendor_client, "/vendor/scorm-again/dist/scorm12.min.js.map")
    assert map_file.status_code == 200
    assert map_file.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("path", [
    "/vendor/left-pad/dist/index.js",  # package not allowed
    "/vendor/htmx.org/package.json",  # outside the allowed folder
    "/vendor/htmx.org/dist/",
    "/vendor/htmx.org/dist/missing.js",
    "/vendor/htmx.org/dist/../package.json",
    "/vendor/htmx.org/dist/..%2Fpackage.json",
    "/vendor/htmx.org/dist/%2E%2E/%2E%2E/%2E%2E/secret.txt",
    "/vendor/htmx.org/dist//etc/passwd",
    "/vendor/..%2F..%2Fsecret.txt/dist/x",
])
def test_everything_else_is_404(vendor_client, path):
    assert get(vendor_client, path).status_code == 404


def test_vendor_url_carries_the_installed_version(app, node_modules):
    from lms.vendor import vendor_url

    app.config["LMS_NODE_MODULES"] = str(node_modules)
    with app.test_request_context():
        assert vendor_url("htmx.org", "dist/htmx.min.js") == "/vendor/htmx.org/dist/htmx.min.js?v=2.0.11"


def test_the_real_node_modules_when_installed(client):
    from pathlib import Path

    import lms

    if not (Path(lms.__file__).parent.parent / "node_modules" / "htmx.org" / "dist").is_dir():
        pytest.skip("npm ci has not been run")
    response = get(client, "/vendor/htmx.org/dist/htmx.min.js")
    assert response.status_code == 200
