"""The forms of the question pages. Choices that depend on the student (their subjects,
assignments, lessons) are filled in by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from .threads import BODY_MAX, FAQ_QUESTION_MAX, TITLE_MAX

FILES_HINT = _l("Ảnh chụp bài tập (JPEG, PNG, HEIC) hoặc PDF, tối đa 5 tệp.")


class AskForm(FlaskForm):
    subject = SelectField(_l("Môn"), validate_choice=False,
                          validators=[DataRequired(_l("Hãy chọn môn."))])
    assignment_id = SelectField(_l("Về bài tập (không bắt buộc)"), coerce=int,
                                validate_choice=False, default=0)
    material_id = SelectField(_l("Về bài học (không bắt buộc)"), coerce=int,
                              validate_choice=False, default=0)
    title = StringField(_l("Tiêu đề"), validators=[
        DataRequired(_l("Hãy nhập tiêu đề câu hỏi.")),
        Length(max=TITLE_MAX, message=_l("Tiêu đề dài tối đa %(max)d ký tự."))])
    body = TextAreaField(_l("Câu hỏi"), validators=[
        Length(max=BODY_MAX, message=_l("Nội dung dài tối đa %(max)d ký tự."))])
    files = MultipleFileField(_l("Ảnh hoặc tệp PDF"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Nội dung"), validators=[
        Length(max=BODY_MAX, message=_l("Nội dung dài tối đa %(max)d ký tự."))])
    files = MultipleFileField(_l("Ảnh hoặc tệp PDF"))


class FaqForm(FlaskForm):
    question = TextAreaField(_l("Câu hỏi (đã bỏ tên học sinh)"), validators=[
        DataRequired(_l("Hãy nhập câu hỏi (đã bỏ tên học sinh).")),
        Length(max=FAQ_QUESTION_MAX, message=_l("Câu hỏi dài tối đa %(max)d ký tự."))])
    answer = TextAreaField(_l("Câu trả lời"), validators=[
        DataRequired(_l("Hãy nhập câu trả lời.")),
        Length(max=BODY_MAX, message=_l("Câu trả lời dài tối đa %(max)d ký tự."))])


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: the period is in the address

    date_from = StringField(_l("Từ ngày"))
    date_to = StringField(_l("Đến ngày"))
