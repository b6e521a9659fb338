"""Publishing: validation before writing, recipients, one submission per student, updates,
overrides and groups."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models.base import utcnow
from plugins.assignments import publishing
from plugins.assignments.models import (
    Assignment,
    DateOverride,
    Submission,
    SubmissionEvent,
)
from plugins.assignments.publishing import PublishError, RecipientSpec

from .conftest import (
    make_approved_material,
    publish_task,
    school_class,
    students_of,
    subject,
    submission_of,
    user,
)


def _publish(**overrides):
    now = utcnow()
    fields = {
        "teacher": user("gv.toan"), "title": "Luyện tập phân số", "instructions": "",
        "kind": "task", "subject_id": subject("TOAN").id,
        "recipients": [RecipientSpec(class_id=school_class("6A1").id)],
        "opens_at": now - timedelta(hours=1), "due_at": now + timedelta(days=2),
    }
    fields.update(overrides)
    return publishing.publish(**fields)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_publish_to_two_classes_creates_one_submission_per_student(ctx):
    before = _count(Submission)
    assignment = _publish(recipients=[RecipientSpec(class_id=school_class("6A1").id),
                                      RecipientSpec(class_id=school_class("6A2").id)])
    db.session.commit()
    submissions = db.session.scalars(sa.select(Submission).where(
        Submission.assignment_id == assignment.id)).all()
    assert _count(Submission) - before == 9
    assert {s.class_id for s in submissions} == {school_class("6A1").id, school_class("6A2").id}
    assert all(s.state == "assigned" for s in submissions)
    assert len(assignment.recipients) == 2
    assert submission_of(assignment, "hs.6a2.04").class_id == school_class("6A2").id


def test_instructions_are_sanitised(ctx):
    assignment = _publish(instructions='<p onclick="x()">Làm bài <b>1</b></p><script>a()</script>')
    assert assignment.instructions == "<p>Làm bài <b>1</b></p>"


def test_every_problem_is_listed_and_nothing_is_written(ctx):
    before = (_count(Assignment), _count(Submission))
    now = utcnow()
    with pytest.raises(PublishError) as raised:
        _publish(title="  ", kind="material", material_id=None,
                 recipients=[RecipientSpec(class_id=school_class("7A1").id)],
                 opens_at=now, due_at=now - timedelta(minutes=1))
    errors = raised.value.errors
    assert set(errors) == {"title", "material_id", "due_at", "recipients"}
    assert "7A1" in errors["recipients"]
    assert (_count(Assignment), _count(Submission)) == before


def test_no_recipient_and_cutoff_before_due_are_refused(ctx):
    now = utcnow()
    with pytest.raises(PublishError) as raised:
        _publish(recipients=[], due_at=now + timedelta(days=1), cutoff_at=now)
    assert set(raised.value.errors) == {"recipients", "cutoff_at"}


def test_a_title_too_long_is_refused(ctx):
    with pytest.raises(PublishError) as raised:
        _publish(title="x" * 301)
    assert "300" in raised.value.errors["title"]


def test_a_teacher_gives_only_their_subject_in_their_classes(ctx):
    with pytest.raises(PublishError) as raised:
        _publish(subject_id=subject("VAN").id)
    assert "6A1" in raised.value.errors["recipients"]


def test_students_and_groups_must_belong_to_the_class(ctx):
    stranger = students_of("6A2")[0]
    with pytest.raises(PublishError):
        _publish(recipients=[RecipientSpec(class_id=school_class("6A1").id,
                                           student_id=stranger.id)])
    group = publishing.create_group(user("gv.toan"), school_class("6A2").id, "Nhóm 1",
                                    [stranger.id])
    with pytest.raises(PublishError):
        _publish(recipients=[RecipientSpec(class_id=school_class("6A1").id, group_id=group.id)])


def test_a_group_and_a_chosen_student(ctx):
    six_a1 = school_class("6A1").id
    first, second, third = students_of("6A1")[:3]
    group = publishing.create_group(user("gv.toan"), six_a1, "Nhóm ôn tập",
                                    [first.id, second.id])
    assignment = _publish(recipients=[RecipientSpec(class_id=six_a1, group_id=group.id),
                                      RecipientSpec(class_id=six_a1, student_id=third.id),
                                      RecipientSpec(class_id=six_a1, student_id=first.id)])
    students = set(db.session.scalars(sa.select(Submission.student_id).where(
        Submission.assignment_id == assignment.id)))
    assert students == {first.id, second.id, third.id}


def test_material_must_be_approved_and_visible(ctx, tmp_path):
    draft = make_approved_material(tmp_path, approved=False)
    with pytest.raises(PublishError) as raised:
        _publish(kind="material", material_id=draft.id)
    assert "material_id" in raised.value.errors
    approved = make_approved_material(tmp_path)
    assignment = _publish(kind="material", material_id=approved.id)
    assert assignment.material_id == approved.id
    listed = db.session.scalars(publishing.assignable_materials(
        user("gv.toan"), subject_id=subject("TOAN").id)).all()
    assert approved in listed and draft not in listed
    # another department's teacher sees the approved one too (everyone sees approved work)
    assert approved in db.session.scalars(
        publishing.assignable_materials(user("gv.van"))).all()


def test_a_deleted_material_is_not_assignable(ctx, tmp_path):
    material = make_approved_material(tmp_path)
    material.deleted_at = utcnow()
    db.session.commit()
    assert material not in db.session.scalars(
        publishing.assignable_materials(user("gv.toan"))).all()


def test_teachable_lists_this_years_pairs(ctx):
    pairs = [(c.name, s.code) for c, s in publishing.teachable(user("gv.toan"))]
    assert pairs == [("6A1", "TOAN"), ("6A2", "TOAN")]
    van = [(c.name, s.code) for c, s in publishing.teachable(user("gv.van"))]
    assert ("6A1", "VAN") in van and ("6A1", "GDCD") in van


def test_published_signal_is_sent(ctx, app):
    from lms import signals

    seen = []

    def listener(sender, assignment, actor, **_kw):
        seen.append((assignment.title, actor.username))

    with signals.assignment_published.connected_to(listener, sender=app):
        _publish(title="Có tín hiệu")
    assert seen == [("Có tín hiệu", "gv.toan")]


def test_update_adds_submissions_for_new_recipients(ctx):
    assignment = publish_task()
    six_a1, six_a2 = school_class("6A1").id, school_class("6A2").id
    publishing.update(assignment, user("gv.toan"), title="Đổi tên",
                      recipients=[RecipientSpec(class_id=six_a1), RecipientSpec(class_id=six_a2)])
    db.session.commit()
    assert assignment.title == "Đổi tên"
    assert db.session.scalar(sa.select(sa.func.count()).where(
        Submission.assignment_id == assignment.id)) == 9


def test_update_refuses_to_drop_a_student_who_started(ctx):
    from plugins.assignments import workflow

    assignment = publish_task(classes=("6A1", "6A2"))
    started = submission_of(assignment, "hs.6a2.01")
    workflow.start(started, user("hs.6a2.01"))
    db.session.commit()
    with pytest.raises(PublishError) as raised:
        publishing.update(assignment, user("gv.toan"),
                          recipients=[RecipientSpec(class_id=school_class("6A1").id)])
    assert started.student.full_name in raised.value.errors["recipients"]
    db.session.rollback()
    # nobody started in 6A1 … but 6A2 can go once its started student is kept
    publishing.update(assignment, user("gv.toan"), recipients=[
        RecipientSpec(class_id=school_class("6A1").id),
        RecipientSpec(class_id=school_class("6A2").id, student_id=started.student_id)])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(
        Submission.assignment_id == assignment.id)) == 6


def test_update_by_a_teacher_who_does_not_manage_it_is_refused(ctx):
    assignment = publish_task()
    with pytest.raises(PublishError):
        publishing.update(assignment, user("gv.van"), title="Của tôi")


def test_set_override_upserts_and_logs(ctx):
    assignment = publish_task()
    student = students_of("6A1")[0]
    due = assignment.due_at + timedelta(days=2)
    override = publishing.set_override(assignment, user("gv.toan"), student_id=student.id,
                                       due_at=due, reason="Ốm")
    again = publishing.set_override(assignment, user("gv.toan"), student_id=student.id,
                                    due_at=due + timedelta(days=1), reason="Ốm thêm")
    db.session.commit()
    assert override.id == again.id and again.due_at == due + timedelta(days=1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DateOverride).where(
        DateOverride.assignment_id == assignment.id)) == 1
    events = db.session.scalars(sa.select(SubmissionEvent.action).where(
        SubmissionEvent.submission_id == submission_of(assignment, student.username).id)).all()
    assert events.count("extended") == 2


def test_override_for_a_student_outside_the_assignment_is_refused(ctx):
    assignment = publish_task()
    with pytest.raises(PublishError):
        publishing.set_override(assignment, user("gv.toan"), student_id=students_of("6A2")[0].id,
                                due_at=assignment.due_at + timedelta(days=1))
    with pytest.raises(PublishError):
        publishing.set_override(assignment, user("gv.toan"), student_id=students_of("6A1")[0].id)


def test_extend_gives_each_student_an_override(ctx):
    from plugins.assignments.schedule import dates_for

    assignment = publish_task()
    chosen = [submission_of(assignment, "hs.6a1.01"), submission_of(assignment, "hs.6a1.02")]
    due = assignment.due_at + timedelta(days=3)
    overrides = publishing.extend(chosen, user("gv.toan"), due_at=due, reason="Nghỉ học")
    db.session.commit()
    assert len(overrides) == 2
    assert dates_for(assignment, chosen[0].student_id).due_at == due
    assert dates_for(assignment, chosen[0].student_id).extended
    assert dates_for(assignment, submission_of(assignment, "hs.6a1.03").student_id).due_at == (
        assignment.due_at)


def test_create_group_checks_teacher_and_students(ctx):
    six_a1 = school_class("6A1").id
    with pytest.raises(PublishError) as raised:
        publishing.create_group(user("tt.anh"), six_a1, "",
                                [students_of("6A2")[0].id])
    assert set(raised.value.errors) == {"name", "class_id", "student_ids"}
    group = publishing.create_group(user("gv.toan"), six_a1, "Tổ 1",
                                    [s.id for s in students_of("6A1")[:2]])
    assert [m.student_id for m in group.members] == [s.id for s in students_of("6A1")[:2]]
    with pytest.raises(PublishError) as raised:
        publishing.create_group(user("gv.toan"), six_a1, "Tổ 1", [students_of("6A1")[0].id])
    assert "Tổ 1" in raised.value.errors["name"]


def test_delete_is_soft(ctx):
    assignment = publish_task()
    publishing.delete(assignment, user("gv.toan"))
    db.session.commit()
    assert db.session.get(Assignment, assignment.id).deleted_at is not None
    with pytest.raises(PublishError):
        publishing.delete(assignment, user("gv.van"))


def test_dates_are_required(ctx):
    with pytest.raises(PublishError) as raised:
        _publish(opens_at=None, due_at="01/03/2026")
    assert set(raised.value.errors) == {"opens_at", "due_at"}


def test_school_year_is_the_classes_year(ctx):
    assignment = _publish()
    assert assignment.school_year_id == school_class("6A1").school_year_id
    assert isinstance(assignment.opens_at, datetime)


def test_extend_keeps_a_given_opening_and_runs_a_fixed_number_of_queries(ctx, app):
    from .conftest import count_queries

    assignment = publish_task(classes=("6A1", "6A2"))
    teacher = user("gv.toan")
    first = submission_of(assignment, "hs.6a1.01")
    later_opening = assignment.opens_at + timedelta(hours=2)
    publishing.set_override(assignment, teacher, student_id=first.student_id,
                            opens_at=later_opening)
    db.session.commit()
    few = [first, submission_of(assignment, "hs.6a1.02")]
    everyone = db.session.scalars(sa.select(Submission).where(
        Submission.assignment_id == assignment.id)).all()
    due = assignment.due_at + timedelta(days=1)
    counts = []
    for chosen in (few, everyone):
        for submission in chosen:  # loaded before counting, as the view has them
            _ = submission.assignment.recipients
        with count_queries(app) as statements:
            publishing.extend(chosen, teacher, due_at=due, reason="Mất điện")
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
        db.session.commit()
    assert counts[0] == counts[1]
    override = db.session.scalar(sa.select(DateOverride).where(
        DateOverride.student_id == first.student_id))
    assert (override.opens_at, override.due_at, override.reason) == (later_opening, due,
                                                                      "Mất điện")
