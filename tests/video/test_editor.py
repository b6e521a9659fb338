"""The editor: server-side validation with Vietnamese messages per field, sanitised HTML,
who may edit, a new draft version for an approved lesson; captions and poster."""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material
from plugins.video.captions import to_webvtt

from .conftest import QUESTIONS, lesson_of


def _doc(questions, **settings):
    return {"settings": {"prevent_skipping": False, "pass_percentage": 50,
                         "complete_percentage": 90, **settings},
            "questions": questions, "chapters": [{"time": 3, "title": "Mở đầu"}]}


def test_every_field_is_validated_with_vietnamese_messages(app, client, login, lesson):
    login("gv.toan")
    bad = [
        {"id": "a", "type": "single", "time": 99, "body": "<p>?</p>",
         "options": [{"id": "x", "text": "1", "correct": True},
                     {"id": "y", "text": "2", "correct": True}]},
        {"id": "b", "type": "fillblank", "time": 2, "body": "không có chỗ trống"},
        {"id": "c", "type": "truefalse", "time": "abc", "body": "x", "points": 500},
        {"id": "d", "type": "quiz", "time": 1},
        {"id": "e", "type": "single", "time": 4, "seek_back": 8, "body": "x",
         "options": [{"text": "", "correct": True}]},
    ]
    response = client.post(f"/video/{lesson}/edit",
                           json=_doc(bad, pass_percentage=150))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert "settings.pass_percentage" in errors and "0 đến 100" in errors[
        "settings.pass_percentage"]
    assert "questions[0].time" in errors  # past the end of the 20 s video
    assert "đúng một phương án đúng" in errors["questions[0].options"]
    assert "chỗ trống" in errors["questions[1].body"]
    assert "phải là một số" in errors["questions[2].time"]
    assert "questions[2].points" in errors and "questions[2].correct" in errors
    assert "Loại câu hỏi" in errors["questions[3].type"]
    assert "questions[4].seek_back" in errors and "questions[4].options" in errors
    # nothing was saved
    assert [q["id"] for q in lesson_of(app, lesson).questions] == ["info1", "q1", "q2", "q3"]


def test_save_sanitises_html_and_sorts_by_time(app, client, login, lesson):
    login("gv.toan")
    questions = [
        {"id": "late", "type": "truefalse", "time": 9, "correct": False,
         "body": '<p onclick="x()">Trái Đất phẳng<script>alert(1)</script></p>'},
        {"id": "early", "type": "info", "time": 1, "title": "<b>Chào</b> các em",
         "body": '<a href="javascript:alert(1)">bấm</a><img src=x onerror=alert(1)>'},
    ]
    response = client.post(f"/video/{lesson}/edit", json=_doc(questions))
    assert response.status_code == 200, response.get_json()
    saved = lesson_of(app, lesson, latest=True)
    assert [q["id"] for q in saved.questions] == ["early", "late"]
    # students keep the approved version until the new one is approved
    assert [q["id"] for q in lesson_of(app, lesson).questions] == ["info1", "q1", "q2", "q3"]
    text = str(saved.questions)
    assert "script" not in text and "onclick" not in text and "javascript" not in text
    assert "onerror" not in text
    assert saved.questions[0]["title"] == "Chào các em"
    assert saved.chapters == [{"time": 3.0, "title": "Mở đầu"}]
    with app.app_context():  # an approved lesson is edited as a new draft version
        material = db.session.get(Material, lesson)
        assert [v.number for v in material.versions] == [1, 2]
        assert material.versions[1].status == "draft"
        assert material.live_version.number == 1


def test_who_may_edit(app, demo, client, login, lesson):
    for username, allowed in (("gv.toan", True), ("tt.toan", True), ("tp.toan", True),
                              ("hs.6a1.01", False), ("hieutruong", False)):
        login(username)
        status = client.get(f"/video/{lesson}/edit").status_code
        assert (status == 200) is allowed, (username, status)
    login("hs.6a1.01")
    assert client.post(f"/video/{lesson}/edit", json=_doc(QUESTIONS)).status_code == 403


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter plus a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += (unicodedata.normalize("NFC", parts[:-1]) + parts[-1]).encode("cp1258")
    return out


SRT = ("1\r\n00:00:01,000 --> 00:00:04,500\r\nXin chào các em học sinh\r\n\r\n"
       "2\r\n00:01:02,5 --> 00:01:05,000\r\nBài học hôm nay: Phân số và đường thẳng\r\n")


def test_cp1258_srt_becomes_utf8_webvtt(app):
    data = _cp1258(SRT)
    assert b"\xcc" in data or b"\xd2" in data  # really combining marks, not UTF-8
    with app.app_context():
        vtt = to_webvtt(data).decode("utf-8")
    assert vtt == ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\nXin chào các em học sinh\n\n"
                   "2\n00:01:02.500 --> 00:01:05.000\nBài học hôm nay: Phân số và đường thẳng\n")
    assert unicodedata.is_normalized("NFC", vtt)


def test_utf16_and_utf8_captions(app):
    with app.app_context():
        for data in (SRT.encode("utf-16"), SRT.encode("utf-8-sig"), SRT.encode("utf-16-le")):
            assert "học sinh" in to_webvtt(data).decode("utf-8")
        vtt = to_webvtt("WEBVTT\n\nNOTE ghi chú\n\nc1\n00:01.000 --> 00:02.000 align:start\n"
                        "Chào\n".encode()).decode()
        assert vtt == ("WEBVTT\n\nNOTE ghi chú\n\nc1\n00:00:01.000 --> 00:00:02.000 "
                       "align:start\nChào\n")


def test_captions_and_poster_upload(app, client, login, lesson):
    import io

    login("gv.toan")
    response = client.post(f"/video/{lesson}/captions", data={
        "captions": (io.BytesIO(_cp1258(SRT)), "phu-de.srt"), "label": "Tiếng Việt",
        "lang": "vi"}, follow_redirects=True)
    assert "Đã thêm phụ đề" in response.get_data(as_text=True)
    bad = client.post(f"/video/{lesson}/captions", data={
        "captions": (io.BytesIO(b"no cues here"), "x.srt")}, follow_redirects=True)
    assert "không có câu thoại" in bad.get_data(as_text=True)
    poster = client.post(f"/video/{lesson}/poster", data={
        "poster": (io.BytesIO(b"GIF89a" + bytes(10)), "a.gif")}, follow_redirects=True)
    assert "JPEG hoặc PNG" in poster.get_data(as_text=True)
    client.post(f"/video/{lesson}/poster", data={
        "poster": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(30)), "a.png")})
    with app.app_context():
        from plugins.video.content_type import lesson_for

        draft = lesson_for(db.session.get(Material, lesson), latest=True)
        assert draft.captions[0]["lang"] == "vi" and draft.poster_digest
        assert draft.media_info["poster_mime"] == "image/png"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(
            Material.__table__)) == 1
