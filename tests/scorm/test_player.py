"""Import of SCORM packages through the content type, and the launch page."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material
from plugins.scorm.models import ScormFile, ScormPackage, ScormSco
from tests.scorm.conftest import import_zip, player_config, scorm_zip

pytestmark = pytest.mark.plugins("scorm")


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_import_creates_a_draft_material_with_its_scos_and_files(app, demo, tmp_path, version):
    path = scorm_zip(tmp_path / "p.zip", version, ("Phân số", "Số thập phân"))
    material_id = import_zip(app, path, approve=False)
    with app.app_context():
        material = db.session.get(Material, material_id)
        assert material.status == "draft" and material.content_type == "scorm"
        package = db.session.scalar(sa.select(ScormPackage))
        # only an approval makes a version live; a fresh import has none
        assert material.live_version_id is None
        assert package.version_id == material.latest_version.id
        assert package.scorm_version == version
        scos = [(s.title, s.launch_href, s.is_launchable) for s in package.scos]
        assert scos == [("Phân số", "sco1.html", True), ("Số thập phân", "sco2.html", True)]
        files = set(db.session.scalars(sa.select(ScormFile.path)))
        assert files == {"imsmanifest.xml", "sco1.html", "sco2.html", "media/clip.mp4"}
        text = material.latest_version.extracted_text
        assert "Nội dung bài Phân số" in text and "không-phải-chữ-hiển-thị" not in text
        assert "color:red" not in text


def test_a_missing_launch_file_is_a_fatal_problem_and_nothing_is_imported(app, demo, tmp_path):
    from lms.packages import PackageError

    path = scorm_zip(tmp_path / "p.zip", "1.2", ("A", "B"), missing=("sco2.html",))
    with pytest.raises(PackageError) as failure:
        import_zip(app, path)
    assert any("sco2.html" in line for line in failure.value.details)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ScormSco.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


def test_a_package_in_one_extra_folder_imports(app, demo, tmp_path):
    material_id = import_zip(app, scorm_zip(tmp_path / "p.zip", "2004", wrap="goi/"))
    with app.app_context():
        assert db.session.get(Material, material_id).title == "Khoá học thử 2004"


def test_the_player_shows_a_sandboxed_frame_and_the_sco_list(client, login, scorm_package):
    material_id = scorm_package("1.2", ("Bài 1", "Bài 2", "Bài 3"))
    login("hs.6a1.01")
    page = client.get(f"/scorm/play/{material_id}").get_data(as_text=True)
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-downloads"' \
        in page
    assert "allow-top-navigation" not in page
    assert "scorm12.min.js" in page and "cross-frame-lms.min.js" in page
    config = player_config(client, material_id)
    assert [item["title"] for item in config["items"]] == ["Bài 1", "Bài 2", "Bài 3"]
    # the test client talks to http://localhost, so content lives on http://127.0.0.1
    assert config["contentOrigin"] == "http://127.0.0.1"
    assert config["items"][0]["shim"].startswith("http://127.0.0.1/scorm/shim/")
    assert config["choice"] and config["flow"]


def test_controlmode_without_choice_gives_no_clickable_toc(client, login, scorm_package):
    material_id = scorm_package("2004", ("A", "B"), control='choice="false" flow="true"')
    login("hs.6a1.01")
    page = client.get(f"/scorm/play/{material_id}").get_data(as_text=True)
    assert 'button type="button" class="link scorm-toc-item"' not in page
    assert 'id="scorm-next"' in page
    config = player_config(client, material_id)
    assert config["choice"] is False and config["flow"] is True


def test_a_draft_is_not_playable_by_students(app, client, login, demo, tmp_path):
    material_id = import_zip(app, scorm_zip(tmp_path / "p.zip"), approve=False)
    login("hs.6a1.01")
    assert client.get(f"/scorm/play/{material_id}").status_code == 403
    login("gv.toan")
    assert client.get(f"/scorm/play/{material_id}").status_code == 200


def test_the_permalink_launches_the_player(client, login, scorm_package):
    material_id = scorm_package()
    login("hs.6a1.01")
    response = client.get(f"/m/{material_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/scorm/play/{material_id}")


def test_every_real_package_imports_and_launches(app, client, login, demo, shared_fixtures):
    from plugins.scorm.manifest import Manifest

    zips = sorted((shared_fixtures / "scorm").glob("*.zip"))
    assert zips
    login("hs.6a1.01")
    for path in zips:
        material_id = import_zip(app, path)
        config = player_config(client, material_id)
        with app.app_context():
            package = db.session.scalar(sa.select(ScormPackage).join(
                Material, Material.live_version_id == ScormPackage.version_id)
                .where(Material.id == material_id))
            expected = [item.title or item.identifier for item in
                        Manifest.from_json(package.manifest).launchable_items()
                        if item.isvisible]
        titles = [item["title"] for item in config["items"] if item["launchable"]]
        assert titles == expected, path.name
        assert all(item["shim"] for item in config["items"] if item["launchable"]), path.name


def test_a_returning_learner_starts_at_the_first_unfinished_sco(client, login, scorm_package):
    material_id = scorm_package("1.2", ("A", "B", "C"))
    login("hs.6a1.01")
    config = player_config(client, material_id)
    assert config["start"] == 0
    first = config["items"][0]
    session = client.get(first["state"]).get_json()["session"]
    client.post(f"{first['commit']}?session={session}",
                json={"cmi": {"core": {"lesson_status": "completed"}}, "commitSequence": 1})
    assert player_config(client, material_id)["start"] == 1
