"""Phân công chuyên môn: who teaches which subject in which class, as the demo school seeds it."""
import sqlalchemy as sa

from lms.extensions import db
from lms.models import SchoolClass, Subject, TeachingAssignment, User
from lms.permissions import teaches, teaching_scope
from lms.seed import seed_demo_school


def _ids(app):
    with app.app_context():
        classes = {c.name: c.id for c in db.session.scalars(sa.select(SchoolClass))}
        subjects = {s.code: s.id for s in db.session.scalars(sa.select(Subject))}
        return classes, subjects


def test_teachers_teach_their_subjects_in_their_classes_only(app, demo):
    classes, subjects = _ids(app)
    with app.app_context():
        gv_toan = db.session.get(User, demo["gv.toan"])
        assert teaches(gv_toan, classes["6A1"], subjects["TOAN"])
        assert teaches(gv_toan, classes["6A2"])
        assert not teaches(gv_toan, classes["7A1"], subjects["TOAN"])
        assert not teaches(gv_toan, classes["6A1"], subjects["VAN"])
        pairs = set(db.session.execute(teaching_scope(gv_toan)).all())
        assert pairs == {(classes["6A1"], subjects["TOAN"]), (classes["6A2"], subjects["TOAN"])}
        student = db.session.get(User, demo["hs.6a1.01"])
        assert not teaches(student, classes["6A1"])


def test_the_demo_school_has_a_comment_only_subject_and_student_codes(app, demo):
    with app.app_context():
        assert db.session.scalar(sa.select(Subject.name).where(Subject.code == "GDTC")) == (
            "Giáo dục thể chất")
        students = db.session.scalars(
            sa.select(User).where(User.username.like("hs.%"))).all()
        ids = [s.national_id for s in students]
        assert all(i and len(i) == 12 and i.isdigit() for i in ids)
        assert len(set(ids)) == len(ids)
        assert all(s.external_code for s in students)


def test_seeding_again_adds_no_teaching_rows(app, demo):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(TeachingAssignment))
        created, _logins = seed_demo_school()
        after = db.session.scalar(sa.select(sa.func.count()).select_from(TeachingAssignment))
    assert before == after > 0
    assert created is False
