"""Forms of the library: a material's metadata, the browse filters, a return with its reason."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class MetadataForm(FlaskForm):
    """What the catalog and the library show about a material (pre-filled from the package)."""

    title = StringField(_l("Tên học liệu"), validators=[
        DataRequired(_l("Hãy nhập tên học liệu.")),
        Length(max=300, message=_l("Tên học liệu dài tối đa %(max)d ký tự."))])
    authors = SelectMultipleField(_l("Tác giả"), coerce=int, validators=[
        DataRequired(_l("Hãy chọn ít nhất một tác giả."))])
    department = SelectField(_l("Tổ bộ môn"), coerce=int)
    subject = SelectField(_l("Môn"), coerce=int, validators=[Optional()])
    grade_level = SelectField(_l("Khối"), coerce=int, validators=[Optional()])
    lesson = StringField(_l("Bài"), validators=[
        Length(max=300, message=_l("Tên bài dài tối đa %(max)d ký tự."))])
    topic = StringField(_l("Chủ đề"), validators=[
        Length(max=300, message=_l("Chủ đề dài tối đa %(max)d ký tự."))])
    school_year = SelectField(_l("Năm học"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("Mô tả"), validators=[
        Length(max=5000, message=_l("Mô tả dài tối đa %(max)d ký tự."))])
    keywords = StringField(_l("Từ khóa (cách nhau bởi dấu phẩy)"), validators=[
        Length(max=1000, message=_l("Từ khóa dài tối đa %(max)d ký tự."))])
    notes = TextAreaField(_l("Ghi chú"), validators=[
        Length(max=2000, message=_l("Ghi chú dài tối đa %(max)d ký tự."))])

    def fill_choices(self, *, teachers, departments, subjects, grades, years) -> None:
        none = SelectChoice(0, _l("— Chưa chọn —"))
        self.authors.choices = [SelectChoice(u.id, u.full_name) for u in teachers]
        self.department.choices = [SelectChoice(d.id, d.name) for d in departments]
        self.subject.choices = [none, *(SelectChoice(s.id, f"{s.name} ({s.department.name})")
                                        for s in subjects)]
        self.grade_level.choices = [none, *(SelectChoice(g.id, g.name) for g in grades)]
        self.school_year.choices = [none, *(SelectChoice(y.id, y.name) for y in years)]
        self._subject_departments = {s.id: s.department_id for s in subjects}

    def validate_subject(self, field) -> None:
        if field.data and self._subject_departments.get(field.data) != self.department.data:
            raise ValidationError(_l("Môn này không thuộc tổ bộ môn đã chọn."))


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("Lý do trả lại"), validators=[
        DataRequired(_l("Hãy ghi lý do trả lại để tác giả biết cần sửa gì.")),
        Length(max=2000, message=_l("Lý do dài tối đa %(max)d ký tự."))])


class BrowseForm(FlaskForm):
    """The library filters: read from the query string, no CSRF (they change nothing)."""

    class Meta:
        csrf = False

    department = SelectField(_l("Tổ bộ môn"), coerce=int, validators=[Optional()])
    subject = SelectField(_l("Môn"), coerce=int, validators=[Optional()])
    grade = SelectField(_l("Khối"), coerce=int, validators=[Optional()])
    type = SelectField(_l("Định dạng"), validators=[Optional()])
    status = SelectField(_l("Trạng thái"), validators=[Optional()])
    author = SelectField(_l("Tác giả"), coerce=int, validators=[Optional()])
    year = SelectField(_l("Năm học"), coerce=int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        from flask import request

        super().__init__(request.args, *args, **kwargs)

    def fill_choices(self, *, departments, subjects, grades, types, statuses, authors,
                     years) -> None:
        every = _l("Tất cả")
        self.department.choices = [SelectChoice(0, every),
                                   *(SelectChoice(d.id, d.name) for d in departments)]
        self.subject.choices = [SelectChoice(0, every),
                                *(SelectChoice(s.id, s.name) for s in subjects)]
        self.grade.choices = [SelectChoice(0, every), *(SelectChoice(g.id, g.name) for g in grades)]
        self.type.choices = [SelectChoice("", every),
                             *(SelectChoice(t.id, t.name) for t in types)]
        self.status.choices = [SelectChoice("", every),
                               *(SelectChoice(k, v) for k, v in statuses.items())]
        self.author.choices = [SelectChoice(0, every),
                               *(SelectChoice(u.id, u.full_name) for u in authors)]
        self.year.choices = [SelectChoice(0, every), *(SelectChoice(y.id, y.name) for y in years)]

    def active_filters(self) -> dict:
        """The filters in use (valid choices only), as the pagination links carry them."""
        values = {}
        for name in ("department", "subject", "grade", "type", "status", "author", "year"):
            field = getattr(self, name)
            valid = {str(choice[0]) for choice in field.iter_choices()} if field.choices else set()
            if field.data and str(field.data) in valid:
                values[name] = field.data
        return values
