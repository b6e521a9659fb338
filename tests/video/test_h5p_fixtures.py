"""Every real `.h5p` in the shared fixtures (see fixtures/h5p/SOURCES.md): the Interactive
Video imports with its timed interactions, the H5P.Column package is refused clearly."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.packages import PackageError

from .conftest import import_file, lesson_of, player_config

pytestmark = pytest.mark.usefixtures("shared_fixtures")


def test_berry_smoothie_interactive_video_imports(app, demo, client, login, shared_fixtures):
    path = shared_fixtures / "h5p" / "interactive-video-2-618.h5p"
    material_id = import_file(app, path)
    lesson = lesson_of(app, material_id)
    # external sources: the first video/mp4 of files[], kept as a URL
    assert lesson.source_kind == "external"
    assert lesson.external_url == "https://h5p.org/sites/default/files/h5p/iv.mp4"
    questions = lesson.questions
    by_time = [(q["time"], q["type"]) for q in questions if not q.get("at_end")]
    # Text 2s, MultiChoice 10s, Blanks 30s, Text 57s; DragQuestion and MarkTheWords unsupported;
    # sorted by time although H5P lists MarkTheWords (20s) last
    assert by_time == [(2.0, "info"), (10.0, "single"), (30.0, "fillblank"), (57.0, "info")]
    choice = next(q for q in questions if q["type"] == "single" and not q.get("at_end"))
    assert "What kind of berry is this?" in choice["body"]
    assert [o["correct"] for o in choice["options"]] == [False, True]
    assert "Strawberry" in choice["options"][1]["text"]
    blanks = next(q for q in questions if q["type"] == "fillblank")
    from plugins.video.lesson_model import gaps

    assert gaps(blanks["body"]) == [["blue"], ["milk"], ["cookies"]]
    assert blanks["case_sensitive"] is True
    assert blanks["points"] == 3
    # H5P.Summary: 3 statement groups, the first statement of each is the right one
    summary = [q for q in questions if q.get("at_end")]
    assert len(summary) == 3
    assert all(q["options"][0]["correct"] and not any(o["correct"] for o in q["options"][1:])
               for q in summary)
    assert [c["title"] for c in lesson.chapters] == ["Recipe", "Preparing", "Mixing", "Serving"]
    assert lesson.chapters[0]["time"] == 2.56
    assert lesson.settings["prevent_skipping"] is False
    with app.app_context():
        from lms.models import Material

        material = db.session.get(Material, material_id)
        inspection = material.live_version.inspection
    assert any("H5P.DragQuestion" in item and "45" in item for item in inspection["unsupported"])
    assert any("H5P.MarkTheWords" in item and "20" in item for item in inspection["unsupported"])
    assert any("Internet" in p["message"] and not p["fatal"] for p in inspection["problems"])
    # nothing of H5P's own code is kept: no scripts in any imported text
    assert "<script" not in str(questions).lower()

    login("hs.6a1.01")
    config = player_config(client, material_id)
    assert config["src"] == "https://h5p.org/sites/default/files/h5p/iv.mp4"
    for question in config["questions"]:  # the player never receives the answers
        assert not {"correct", "feedback_correct", "feedback_wrong", "seek_back"} & set(question)
        assert all(set(option) == {"id", "text"} for option in question.get("options", []))
    assert "blue" not in next(q for q in config["questions"] if q["type"] == "fillblank")["body"]


def test_not_an_interactive_video_is_refused_clearly(app, demo, shared_fixtures):
    path = shared_fixtures / "h5p" / "interactive-content-2260.h5p"
    with pytest.raises(PackageError) as raised:
        import_file(app, path)
    message = str(raised.value)
    assert "H5P.Column" in message and "không phải video tương tác" in message
    with app.app_context():
        from lms.models import Material

        assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


@pytest.mark.parametrize("name", ["interactive-video-2-618.h5p", "interactive-content-2260.h5p"])
def test_every_h5p_fixture_goes_through_the_upload_report(app, demo, client, login,
                                                          shared_fixtures, name):
    login("gv.toan")
    with open(shared_fixtures / "h5p" / name, "rb") as package:
        response = client.post("/materials/upload", data={"package": (package, name)},
                               follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    if name.startswith("interactive-video"):
        assert "Video tương tác" in page and "H5P.DragQuestion" in page
    else:
        assert "không phải video tương tác" in page
