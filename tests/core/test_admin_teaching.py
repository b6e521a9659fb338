"""The administrator records who teaches each subject in each class (phân công chuyên môn)."""
import sqlalchemy as sa

from lms.extensions import db
from lms.models import AuditLog, SchoolClass, Subject, TeachingAssignment


def _ids(app):
    with app.app_context():
        classes = {c.name: c.id for c in db.session.scalars(sa.select(SchoolClass))}
        subjects = {s.code: s.id for s in db.session.scalars(sa.select(Subject))}
    return classes, subjects


def _teachers_of(app, class_id, subject_id):
    with app.app_context():
        return set(db.session.scalars(sa.select(TeachingAssignment.teacher_id).where(
            TeachingAssignment.class_id == class_id, TeachingAssignment.subject_id == subject_id)))


def test_the_page_shows_each_subject_with_its_teacher(app, client, demo, login):
    classes, _subjects = _ids(app)
    login("admin")
    page = client.get(f"/admin/teaching/{classes['6A1']}").get_data(as_text=True)
    assert "Phân công chuyên môn" in page and "Giáo dục thể chất" in page
    assert f'<option value="{demo["gv.toan"]}" selected>' in page


def test_changing_a_teacher_replaces_the_assignment_and_is_audited(app, client, demo, login):
    classes, subjects = _ids(app)
    login("admin")
    response = client.post(f"/admin/teaching/{classes['6A1']}",
                           data={f"subject_{subjects['TOAN']}": str(demo["tp.toan"]),
                                 f"subject_{subjects['TIN']}": ""}, follow_redirects=True)
    assert "Đã lưu phân công chuyên môn của lớp 6A1." in response.get_data(as_text=True)
    assert _teachers_of(app, classes["6A1"], subjects["TOAN"]) == {demo["tp.toan"]}
    assert _teachers_of(app, classes["6A1"], subjects["TIN"]) == set()
    assert _teachers_of(app, classes["6A1"], subjects["VAN"]) == {demo["gv.van"]}  # untouched
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.event == "teaching.changed"))
        assert set(entry.details["changes"]) == {"TOAN", "TIN"}


def test_a_student_chosen_as_teacher_is_refused_and_nothing_changes(app, client, demo, login):
    classes, subjects = _ids(app)
    login("admin")
    response = client.post(f"/admin/teaching/{classes['6A1']}",
                           data={f"subject_{subjects['TOAN']}": str(demo["tp.toan"]),
                                 f"subject_{subjects['VAN']}": str(demo["hs.6a1.01"])},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Chưa lưu gì" in text and "Ngữ văn" in text
    assert _teachers_of(app, classes["6A1"], subjects["TOAN"]) == {demo["gv.toan"]}


def test_several_teachers_are_kept_when_left_alone(app, client, demo, login):
    classes, subjects = _ids(app)
    with app.app_context():
        db.session.add(TeachingAssignment(class_id=classes["6A1"], subject_id=subjects["TOAN"],
                                          teacher_id=demo["tt.toan"]))
        db.session.commit()
    login("admin")
    page = client.get(f"/admin/teaching/{classes['6A1']}").get_data(as_text=True)
    assert "Giữ nguyên (2 giáo viên)" in page
    client.post(f"/admin/teaching/{classes['6A1']}", data={f"subject_{subjects['TOAN']}": "keep"})
    assert _teachers_of(app, classes["6A1"], subjects["TOAN"]) == {demo["gv.toan"],
                                                                   demo["tt.toan"]}
