"""The consent a parent gives when linking to a child (Decree 13/2023/NĐ-CP, art. 20: processing
a child's personal data needs the consent of a parent or guardian), and its record."""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from lms.extensions import db
from lms.models import audit
from lms.models.base import utcnow

from .models import Consent, ConsentAction

#: which wording the parent agreed to; change it whenever CONSENT_TEXT changes
CONSENT_VERSION = "2026-12"

CONSENT_TEXT = _l(
    "Tôi là cha, mẹ hoặc người giám hộ hợp pháp của học sinh này và đồng ý để nhà trường xử lý "
    "dữ liệu cá nhân của con (họ tên, lớp, bài tập, điểm đã trả, kết quả học tập, câu hỏi với "
    "thầy cô) nhằm phục vụ việc dạy học và để tôi theo dõi việc học của con, theo Điều 20 Nghị "
    "định 13/2023/NĐ-CP. Tôi có thể rút lại sự đồng ý bất cứ lúc nào."
)


def record(parent, student_id: int, action: ConsentAction) -> Consent:
    """Add the consent row and its audit entry to the current transaction."""
    entry = Consent(parent_id=parent.id, student_id=student_id, action=action.value,
                    text_version=CONSENT_VERSION, at=utcnow(),
                    ip=request.remote_addr if has_request_context() else None)
    db.session.add(entry)
    audit(f"parents.consent_{action.value}", actor=parent, student_id=student_id,
          text_version=CONSENT_VERSION)
    return entry
