"""The settings form: e-mail rhythm, an address when the account has none, push on this account."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from .models import EmailMode

EMAIL_MODE_LABELS = {
    EmailMode.IMMEDIATE.value: _l("Ngay khi có (trừ 21:00–06:00)"),
    EmailMode.DAILY.value: _l("Tóm tắt hằng ngày lúc 18:00 (thứ Hai – thứ Sáu)"),
    EmailMode.WEEKLY.value: _l("Tóm tắt hằng tuần (thứ Sáu, 18:00)"),
    EmailMode.OFF.value: _l("Không nhận email"),
}


class SettingsForm(FlaskForm):
    email_mode = SelectField(_l("Nhận thông báo qua email"),
                             choices=[SelectChoice(value, label)
                                      for value, label in EMAIL_MODE_LABELS.items()])
    email = EmailField(
        _l("Địa chỉ email"), filters=[lambda value: (value or "").strip()],
        validators=[
            Optional(), Length(max=200, message=_l("Địa chỉ email dài tối đa %(max)d ký tự.")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Địa chỉ email không hợp lệ."))])
    push_enabled = BooleanField(_l("Nhận thông báo đẩy trên điện thoại hoặc máy tính"))
