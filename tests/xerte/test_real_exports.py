"""Every real Xerte export in ../shared/fixtures/xerte (see its SOURCES.md): detected as Xerte,
imported with the right title, language, pages, missing media and stray files, and playable."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from lms.extensions import db
from lms.models import Material
from lms.packages import SafeArchive
from tests.xerte.conftest import import_zip

NBSP = "\u00a0"
#: what SOURCES.md says each export holds
EXPECTED = {
    "xerte-scorm2004-latincch-harrius-potter.zip": {
        "kind": "scorm2004", "title": "Harrius Potter", "language": "es-ES",
        "pages": ["title", "bullets", "transcriptReader"],
        "page_titles": ["Harrius Potter et philosophi lapis", "Texto", "Texto"],
        "missing": {"media/PuerQuiVixit.mp3"}, "strays": set()},
    "xerte-scorm2004-dagelijksgeld-sleepoefening.zip": {
        "kind": "scorm2004", "title": "sleepoefening test", "language": "nl-BE", "pages": ["categories"],
        "page_titles": ["Sleepoefening"], "missing": set(),
        "strays": {"scorm2004RLO.htm.bak", "apiwrapper_2004.3rd.js.bak", "lockfile.txt",
                "Smartschool tracking.docx"}},
    "xerte-offline-badgered-staying-safe-online.zip": {
        "kind": "offline", "title": "Staying Safe Online", "language": "en-GB",
        "pages": Counter({"bleedingImage": 8, "text": 2, "connectorHotspotImage": 1,
                       "textGraphics": 1, "tabNav": 1, "columnPage": 1, "mcq": 1,
                       "timeline": 1, "gapFill": 1, "quiz": 1}),
        "page_titles": ["Credits & Copyright"],
        "missing": {"media/A00568-twitter-292994_1920.jpg", "media/networks-iot-cut.png",
                 "media/onlinesafety.jpg"}, "strays": set()},
    "xerte-offline-nguyenduyquynh-drugs-vocabulary.zip": {
        "kind": "offline", "title": "Drugs and Crimes - Vocabulary Revision", "language": "en-GB",
        "pages": ["title", "textVideo", "textVideo", "textHighlight", "thumbnailViewer",
               "wordsearch", "pdf"],
        "page_titles": ["More Info (UNODC)"],
        "missing": {"media/Drug_Awareness__Depressants,_Hallucinogens_And_Stimulants.mp4",
                 "media/LSD.jpg", "media/Types_of_Drugs_-_UNODC.pdf", "media/cannabis.jpg",
                 "media/cocaine.jpeg", "media/hash_oil.jpg"},
        "strays": {"lockfile.txt"}},
}


def real_exports(shared_fixtures):
    return sorted((shared_fixtures / "xerte").glob("*.zip"))


def test_every_fixture_is_described(shared_fixtures):
    assert {p.name for p in real_exports(shared_fixtures)} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_export(app, client, login, demo, shared_fixtures, name):
    from lms.packages.importer import inspect_package_file

    expected = EXPECTED[name]
    path = shared_fixtures / "xerte" / name
    if not path.exists():
        pytest.skip(f"{name} is not in this fixture set")
    with app.app_context():
        with SafeArchive.open(path, source_name=name) as archive:
            assert app.extensions["lms"].content_types.detect(archive).id == "xerte"
        content_type, inspection = inspect_package_file(path, filename=name)
    assert content_type.id == "xerte" and inspection.ok, inspection.problems
    details = inspection.details
    assert details["export_kind"] == expected["kind"]
    assert details["language"] == expected["language"]
    types = [page["type"] for page in details["pages"]]
    if isinstance(expected["pages"], Counter):
        assert Counter(types) == expected["pages"]
    else:
        assert types == expected["pages"]
    titles = [page["title"] for page in details["pages"]]
    for title in expected["page_titles"]:
        assert title in titles
    assert not any(NBSP in t or "&" in t.replace(" & ", "") for t in titles)
    assert set(details["missing_media"]) == expected["missing"]
    assert set(details["stray_files"]) == expected["strays"]
    warnings = " ".join(p.message for p in inspection.problems)
    assert all(path in warnings for path in expected["missing"] | expected["strays"])

    material_id = import_zip(app, path)
    with app.app_context():
        material = db.session.get(Material, material_id)
        assert material.content_type == "xerte"
        assert material.title == expected["title"]
        version = material.live_version
        assert version.inspection["version"].startswith("Xerte (")
        assert len(version.inspection["pages"]) == len(types)
        assert version.extracted_text.startswith(expected["title"])
        assert len(version.extracted_text) <= 100_000

    login("hs.6a1.01")
    launched = client.get(f"/m/{material_id}")
    assert launched.status_code == 302
    if expected["kind"].startswith("scorm"):
        assert launched.headers["Location"].endswith(f"/scorm/play/{material_id}")
        page = client.get(f"/scorm/play/{material_id}").get_data(as_text=True)
        config = re.search(r'id="scorm-config">(.*?)</script>', page, re.DOTALL).group(1)
        state_url = re.search(r'"state": "([^"]+)"', config).group(1)
        state = client.get(state_url)
        assert state.status_code == 200 and state.get_json()["result"] is True
        assert "scorm2004RLO.htm" in config
    else:
        assert launched.headers["Location"].endswith(f"/xerte/play/{material_id}")
        page = client.get(f"/xerte/play/{material_id}")
        assert page.status_code == 200
        assert 'id="xerte-frame"' in page.get_data(as_text=True)
