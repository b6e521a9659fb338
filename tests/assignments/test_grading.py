"""Grading: drafts, stale saves refused, Trả bài copies the draft, the comment bank."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from plugins.assignments import grading, workflow
from plugins.assignments.grading import GradeError, StaleGrade
from plugins.assignments.models import CommentBankEntry, Submission, SubmissionEvent

from .conftest import publish_task, submission_of, user


@pytest.fixture
def work(ctx):
    assignment = publish_task()
    submission = submission_of(assignment, "hs.6a1.01")
    workflow.turn_in(submission, user("hs.6a1.01"))
    db.session.commit()
    return submission


def test_save_grade_writes_a_draft_and_an_event(work):
    teacher = user("gv.toan")
    grading.save_grade(work, expected_version=work.version, actor=teacher, score="8,5",
                       comment="Trình bày rõ ràng")
    db.session.commit()
    assert work.score == Decimal("8.5") and work.graded_by_id == teacher.id
    assert work.released_score is None and work.released_at is None
    event = db.session.scalar(sa.select(SubmissionEvent).where(
        SubmissionEvent.submission_id == work.id, SubmissionEvent.action == "graded"))
    assert (event.details["old"], event.details["new"]) == ("", "8,5")


def test_a_stale_version_is_refused_and_nothing_is_overwritten(work):
    first, second = user("gv.toan"), user("tt.toan")
    read_by_both = work.version
    grading.save_grade(work, expected_version=read_by_both, actor=first, score=9)
    db.session.commit()
    # tt.toan does not teach 6A1: give the class a co-teacher so the second save is allowed
    from lms.models import TeachingAssignment

    db.session.add(TeachingAssignment(teacher_id=second.id, class_id=work.class_id,
                                      subject_id=work.assignment.subject_id))
    db.session.commit()
    with pytest.raises(StaleGrade, match="vừa được người khác lưu .*Phạm Thu Trang"):
        grading.save_grade(work, expected_version=read_by_both, actor=second, score=5)
    db.session.rollback()
    assert db.session.get(Submission, work.id).score == 9
    # reloaded, the second teacher may save
    grading.save_grade(work, expected_version=work.version, actor=second, score=5)
    db.session.commit()
    assert work.score == 5


def test_a_concurrent_update_is_refused_too(work, app):
    """Both read the same version; the first one's UPDATE lands between the second's read and
    write (two sessions), so the second's UPDATE matches no row."""
    teacher = user("gv.toan")
    version = work.version
    with app.app_context():  # another request, another session
        other = db.session.get(Submission, work.id)
        grading.save_grade(other, expected_version=version, actor=user("gv.toan"), score=4)
        db.session.commit()
    with pytest.raises(StaleGrade):
        grading.save_grade(work, expected_version=version, actor=teacher, score=6)
    db.session.rollback()
    assert db.session.get(Submission, work.id).score == 4


def test_a_students_change_does_not_make_the_grade_stale(work):
    teacher = user("gv.toan")
    read = work.version
    workflow.take_back(work, user("hs.6a1.01"))
    workflow.turn_in(work, user("hs.6a1.01"))
    db.session.commit()
    assert work.version != read
    grading.save_grade(work, expected_version=read, actor=teacher, score=7)
    db.session.commit()
    assert work.score == 7


def test_scale_and_score_are_validated(work):
    teacher = user("gv.toan")
    for bad in ("11", "8,25", "tám"):
        with pytest.raises(GradeError):
            grading.save_grade(work, expected_version=work.version, actor=teacher, score=bad)
    with pytest.raises(GradeError, match="điểm số"):
        grading.save_grade(work, expected_version=work.version, actor=teacher, passed=True)
    with pytest.raises(GradeError, match="không dạy"):
        grading.save_grade(work, expected_version=work.version, actor=user("gv.van"), score=5)
    assert work.score is None


def test_pass_fail_scale(ctx):
    assignment = publish_task(grading_scale="pass_fail")
    submission = submission_of(assignment, "hs.6a1.02")
    teacher = user("gv.toan")
    with pytest.raises(GradeError, match="Đạt/Chưa đạt"):
        grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                           score="8")
    grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                       passed=False)
    assert grading.release([submission], teacher) == 1
    assert submission.released_passed is False and submission.released_score is None


def test_release_copies_the_draft_and_a_later_draft_does_not_leak(work, app):
    teacher = user("gv.toan")
    ungraded = submission_of(work.assignment, "hs.6a1.02")
    excused = submission_of(work.assignment, "hs.6a1.03")
    workflow.excuse(excused, teacher)
    grading.save_grade(work, expected_version=work.version, actor=teacher, score="6,5",
                       comment="Cần cố gắng")
    seen = []

    def listener(sender, submissions, actor, **_kw):
        seen.append(sorted(s.id for s in submissions))

    with signals.submissions_returned.connected_to(listener, sender=app):
        assert grading.release([work, ungraded, excused], teacher) == 2
    db.session.commit()
    assert seen == [sorted([work.id, excused.id])]
    assert (work.state, work.released_score, work.released_comment) == (
        "returned", Decimal("6.5"), "Cần cố gắng")
    assert ungraded.state == "assigned" and ungraded.released_at is None
    assert excused.state == "returned" and excused.released_score is None
    grading.save_grade(work, expected_version=work.version, actor=teacher, score=9,
                       comment="Sửa lại")
    db.session.commit()
    assert work.score == 9
    assert (work.released_score, work.released_comment) == (Decimal("6.5"), "Cần cố gắng")
    grading.release([work], teacher)
    assert work.released_score == 9


def test_release_by_another_teacher_is_refused(work):
    grading.save_grade(work, expected_version=work.version, actor=user("gv.toan"), score=5)
    with pytest.raises(GradeError):
        grading.release([work], user("gv.van"))
    assert work.released_at is None


def test_comment_bank_most_used_first(ctx):
    teacher = user("gv.toan")
    grading.remember_comment(teacher, "Bài làm cẩn thận")
    grading.remember_comment(teacher, "Cần trình bày rõ hơn")
    grading.remember_comment(teacher, "  Cần trình bày   rõ hơn ")
    assert grading.remember_comment(teacher, "   ") is None
    grading.remember_comment(user("gv.van"), "Của cô Ánh")
    db.session.commit()
    bank = grading.comment_bank(teacher)
    assert [(e.text, e.uses) for e in bank] == [("Cần trình bày rõ hơn", 2),
                                                ("Bài làm cẩn thận", 1)]
    with pytest.raises(GradeError):
        grading.forget_comment(bank[0], user("gv.van"))
    grading.forget_comment(bank[0], teacher)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommentBankEntry)) == 2


def test_an_update_racing_between_read_and_write_is_refused(work, app):
    """The version check passes, then another request's UPDATE lands before this one's: the
    version column of the UPDATE matches no row and the save is refused, not applied."""
    teacher = user("gv.toan")
    version = work.version  # read now, in this session
    with app.app_context():
        db.session.execute(sa.update(Submission).where(Submission.id == work.id)
                           .values(score=3, version=Submission.version + 1))
        db.session.commit()
    with pytest.raises(StaleGrade):
        grading.save_grade(work, expected_version=version, actor=teacher, score=6)
    db.session.rollback()
    assert db.session.get(Submission, work.id).score == 3


def test_release_runs_the_same_queries_for_a_few_or_a_whole_class(ctx, app):
    from .conftest import count_queries

    teacher = user("gv.toan")
    counts = []
    for classes in (("6A1",), ("6A1", "6A2")):
        assignment = publish_task(classes=classes, title=f"Trả bài {len(classes)}")
        submissions = db.session.scalars(sa.select(Submission).where(
            Submission.assignment_id == assignment.id)).all()
        for submission in submissions:
            grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                               score=7)
        db.session.commit()
        for submission in submissions:  # loaded before counting, as the desk has them
            _ = submission.assignment.subject_id, submission.version
        with count_queries(app) as statements:
            assert grading.release(submissions, teacher) == len(submissions)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
        db.session.commit()
    # one teaching check per class: two classes cost one more query than one
    assert counts[1] == counts[0] + 1
