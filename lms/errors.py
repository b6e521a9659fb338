"""Error pages that say, in Vietnamese, what went wrong and what to do next."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or (best == "application/json" and
                               request.accept_mimetypes[best] > request.accept_mimetypes["text/html"])


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Yêu cầu không hợp lệ"), _("Dữ liệu gửi lên không đúng. Hãy tải lại trang và thử lại.")),
        403: (_("Không có quyền truy cập"), _("Tài khoản của bạn không được phép xem trang này.")),
        404: (_("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc đã bị xóa.")),
        405: (_("Thao tác không được hỗ trợ"), _("Trang này không nhận thao tác đó.")),
        410: (_("Nội dung đã bị xóa"), _("Nội dung này đã bị xóa và không còn xem được.")),
        413: (_("Tệp quá lớn"), _("Tệp tải lên vượt quá giới hạn %(limit)s MB.")),
        429: (_("Quá nhiều lần thử"), _("Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại.")),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi xảy ra. Tổ CNTT đã được ghi nhận; vui lòng thử lại sau.")),
    }


def render_error(code: int, detail: str | None = None):
    from flask import current_app

    title, message = _messages().get(code, (_("Lỗi"), _("Đã có lỗi xảy ra.")))
    if code == 413:
        limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        message = message % {"limit": limit}
    if _wants_json():
        return jsonify(error=title, message=detail or message, status=code), code
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                   "Hãy tải lại trang rồi gửi lại."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400 or error.code in (401,):
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error on %s", request.path)
        from .extensions import db

        db.session.rollback()
        return render_error(500)
