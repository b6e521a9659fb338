"""The forms of the assignment pages. Dates are typed as "dd/mm/yyyy HH:mm" text and read by
`schedule.parse_local` in the views; who receives the work is read from the class, group and
student checkboxes the form template lists (their choices depend on the teacher)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import AssignmentKind, AttemptPolicy, GradingScale

DATE_HINT = _l("dd/mm/yyyy HH:mm, giờ Việt Nam")


def kind_choices():
    return [SelectChoice(AssignmentKind.MATERIAL.value, _l("Học liệu trong thư viện")),
            SelectChoice(AssignmentKind.TASK.value,
                         _l("Bài tập tự do (hướng dẫn và tệp đính kèm)"))]


def scale_choices():
    return [SelectChoice(GradingScale.SCORE.value, _l("Điểm 0–10")),
            SelectChoice(GradingScale.PASS_FAIL.value, _l("Đạt / Chưa đạt"))]


def policy_choices():
    return [SelectChoice(AttemptPolicy.BEST.value, _l("Lần làm tốt nhất")),
            SelectChoice(AttemptPolicy.LAST.value, _l("Lần làm gần nhất")),
            SelectChoice(AttemptPolicy.FIRST.value, _l("Lần làm đầu tiên"))]


class AssignmentForm(FlaskForm):
    """Giao bài: what to do, which subject, dates and grading. Recipients come separately."""

    title = StringField(_l("Tên bài"), validators=[
        DataRequired(_l("Hãy nhập tên bài.")),
        Length(max=300, message=_l("Tên bài dài tối đa %(max)d ký tự."))])
    kind = RadioField(_l("Loại bài"), choices=kind_choices(),
                      default=AssignmentKind.MATERIAL.value)
    subject_id = SelectField(_l("Môn"), coerce=int, validate_choice=False)
    material_id = SelectField(_l("Học liệu"), coerce=int, validate_choice=False,
                              validators=[Optional()])
    instructions = TextAreaField(_l("Hướng dẫn"), validators=[
        Length(max=20000, message=_l("Hướng dẫn dài tối đa %(max)d ký tự."))])
    attachments = MultipleFileField(_l("Tệp đính kèm"))
    opens_at = StringField(_l("Mở bài lúc"), validators=[
        DataRequired(_l("Hãy nhập ngày giờ mở bài."))])
    due_at = StringField(_l("Hạn nộp"), validators=[
        DataRequired(_l("Hãy nhập hạn nộp."))])
    cutoff_at = StringField(_l("Không nhận bài sau (không bắt buộc)"))
    grading_scale = RadioField(_l("Cách chấm"), choices=scale_choices(),
                               default=GradingScale.SCORE.value)
    attempt_policy = SelectField(_l("Điểm lấy theo"), choices=policy_choices(),
                                 default=AttemptPolicy.BEST.value)
    offline = BooleanField(_l("Làm trên giấy / trên lớp (không bắt buộc nộp trực tuyến)"))
    accepts_text = BooleanField(_l("Học sinh được nộp bài viết"), default=True)
    accepts_files = BooleanField(_l("Học sinh được nộp tệp, ảnh chụp bài làm"), default=True)


class GroupForm(FlaskForm):
    name = StringField(_l("Tên nhóm"), validators=[
        DataRequired(_l("Hãy nhập tên nhóm.")),
        Length(max=100, message=_l("Tên nhóm dài tối đa %(max)d ký tự."))])


class GradeForm(FlaskForm):
    """One student's grade at the desk; `version` is the one the teacher read."""

    score = StringField(_l("Điểm"))
    passed = SelectField(_l("Kết quả"), choices=[SelectChoice("", _l("— Chưa chấm —")),
                                                  SelectChoice("1", _l("Đạt")),
                                                  SelectChoice("0", _l("Chưa đạt"))],
                         validate_choice=False)  # a score-scale form does not send it
    comment = TextAreaField(_l("Nhận xét"), validators=[
        Length(max=5000, message=_l("Nhận xét dài tối đa %(max)d ký tự."))])
    remember = BooleanField(_l("Lưu vào ngân hàng nhận xét"))
    version = HiddenField()


class ExtendForm(FlaskForm):
    due_at = StringField(_l("Hạn nộp mới"), validators=[
        DataRequired(_l("Hãy nhập hạn nộp mới."))])
    cutoff_at = StringField(_l("Không nhận bài sau (không bắt buộc)"))
    reason = StringField(_l("Lý do"), validators=[
        Length(max=300, message=_l("Lý do dài tối đa %(max)d ký tự."))])


class HandinTextForm(FlaskForm):
    text = TextAreaField(_l("Bài làm"), validators=[
        Length(max=50000, message=_l("Bài làm dài tối đa %(max)d ký tự."))])


class ReportForm(FlaskForm):
    """The report's date range: read from the query string, changes nothing (no CSRF)."""

    class Meta:
        csrf = False

    date_from = StringField(_l("Từ ngày"))
    date_to = StringField(_l("Đến ngày"))
