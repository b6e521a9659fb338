from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from .columns import KIND_LABELS, KINDS


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp danh sách (.xlsx hoặc .csv)"),
                     validators=[FileRequired(_l("Hãy chọn tệp danh sách."))],
                     render_kw={"accept": ".xlsx,.csv,.txt"})
    kind = SelectField(_l("Loại danh sách"),
                       choices=[SelectChoice("", _l("Tự nhận ra từ tiêu đề cột")),
                                *(SelectChoice(k, KIND_LABELS[k]) for k in KINDS)])


class ConfirmForm(FlaskForm):
    token = HiddenField()
