"""The parents' forms: registration, entering a code, asking to link without one."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from lms.auth.forms import MIN_PASSWORD_LENGTH, _not_trivial

_PHONE = re.compile(r"^\+?[0-9 .]{9,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME = re.compile(r"^[a-z0-9._-]{3,80}$")


def _consent_required(form, field):
    if not field.data:
        raise ValidationError(_l("Cần đánh dấu đồng ý để liên kết với con."))


class CodeFields:
    """What both the registration form and the linking form ask."""

    code = StringField(_l("Mã liên kết (in trên phiếu của nhà trường)"),
                       validators=[DataRequired(message=_l("Hãy nhập mã liên kết.")),
                                   Length(max=20)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "placeholder": "XXXX-XXXX"})
    relationship_label = StringField(_l("Quan hệ với học sinh"),
                                     validators=[Optional(), Length(max=40)])
    consent = BooleanField(_l("Tôi đồng ý"), validators=[_consent_required])


class LinkCodeForm(CodeFields, FlaskForm):
    pass


class RegisterForm(CodeFields, FlaskForm):
    full_name = StringField(_l("Họ và tên"),
                            validators=[DataRequired(message=_l("Hãy nhập họ và tên.")),
                                        Length(max=150)])
    contact = StringField(_l("Số điện thoại hoặc email"),
                          validators=[DataRequired(message=_l("Hãy nhập số điện thoại hoặc email.")),
                                      Length(max=200)])
    username = StringField(_l("Tên đăng nhập"),
                           validators=[DataRequired(message=_l("Hãy chọn tên đăng nhập."))],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(message=_l("Hãy chọn mật khẩu.")),
                    Length(min=MIN_PASSWORD_LENGTH,
                           message=_l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)),
                    _not_trivial],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[DataRequired(message=_l("Hãy nhập lại mật khẩu.")),
                    EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
        render_kw={"autocomplete": "new-password"})

    def validate_contact(self, field):
        value = field.data.strip()
        if not (_PHONE.match(value) or _EMAIL.match(value)):
            raise ValidationError(_l("Số điện thoại hoặc email không hợp lệ."))

    def validate_username(self, field):
        if not _USERNAME.match(field.data.strip().lower()):
            raise ValidationError(_l("Tên đăng nhập gồm 3–80 chữ cái không dấu, chữ số, "
                                     "dấu chấm, gạch ngang hoặc gạch dưới."))


class LinkRequestForm(FlaskForm):
    student_code = StringField(_l("Mã học sinh"),
                               validators=[DataRequired(message=_l("Hãy nhập mã học sinh.")),
                                           Length(max=40)])
    birth_date = StringField(_l("Ngày sinh của con (dd/mm/yyyy)"),
                             validators=[DataRequired(
                                 message=_l("Hãy nhập ngày sinh theo dạng dd/mm/yyyy."))],
                             render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    relationship_label = StringField(_l("Quan hệ với học sinh"),
                                     validators=[Optional(), Length(max=40)])
    consent = BooleanField(_l("Tôi đồng ý"), validators=[_consent_required])

    def validate_birth_date(self, field):
        try:
            self.birth_day = datetime.strptime(field.data.strip(), "%d/%m/%Y").date()
        except ValueError:
            raise ValidationError(_l("Ngày sinh không hợp lệ: hãy nhập theo dạng dd/mm/yyyy.")) \
                from None
