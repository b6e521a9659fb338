"""Forms of the administration pages. Filters are GET forms; every change is a POST with CSRF."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import ROLE_LABELS, Role

POSITIONS = [
    SelectChoice("member", _l("Thành viên")),
    SelectChoice("deputy", _l("Tổ phó")),
    SelectChoice("head", _l("Tổ trưởng")),
]


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role]


class _GetForm(FlaskForm):
    """A filter form: read from the query string, no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        from flask import request

        super().__init__(request.args, *args, **kwargs)


class UserFilterForm(_GetForm):
    q = StringField(_l("Tìm theo tên hoặc tên đăng nhập"), validators=[Optional(), Length(max=100)],
                    render_kw={"type": "search"})
    role = SelectField(_l("Vai trò"), validators=[Optional()])
    department = SelectField(_l("Tổ chuyên môn"), coerce=int, validators=[Optional()])
    school_class = SelectField(_l("Lớp"), coerce=int, validators=[Optional()])
    active = SelectField(_l("Trạng thái"), validators=[Optional()], choices=[
        SelectChoice("", _l("Tất cả")), SelectChoice("1", _l("Đang hoạt động")),
        SelectChoice("0", _l("Đã khóa")),
    ])

    def fill_choices(self, departments, classes) -> None:
        self.role.choices = [SelectChoice("", _l("Tất cả")), *_role_choices()]
        self.department.choices = [SelectChoice(0, _l("Tất cả")),
                                   *(SelectChoice(d.id, d.name) for d in departments)]
        self.school_class.choices = [SelectChoice(0, _l("Tất cả")),
                                     *(SelectChoice(c.id, c.name) for c in classes)]

    def active_filters(self) -> dict:
        """The filters in use, as query-string values (what the pagination links carry)."""
        values = {
            "q": (self.q.data or "").strip(),
            "role": self.role.data if self.role.data in {r.value for r in Role} else "",
            "department": self.department.data or 0,
            "school_class": self.school_class.data or 0,
            "active": self.active.data if self.active.data in ("0", "1") else "",
        }
        return {key: value for key, value in values.items() if value}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Vai trò"), choices=_role_choices,
                               validate_choice=True)


class DepartmentForm(FlaskForm):
    department = SelectField(_l("Tổ chuyên môn"), coerce=int)
    position = SelectField(_l("Chức vụ trong tổ"), choices=POSITIONS, default="member")

    def fill_choices(self, departments) -> None:
        self.department.choices = [SelectChoice(0, _l("Không thuộc tổ nào")),
                                   *(SelectChoice(d.id, d.name) for d in departments)]


class ActionForm(FlaskForm):
    """A button that changes something (reset, disable, enable): only the CSRF token."""


class AuditFilterForm(_GetForm):
    event = SelectField(_l("Sự kiện"), validators=[Optional()])
    user = StringField(_l("Người dùng (tên đăng nhập)"), validators=[Optional(), Length(max=80)])
