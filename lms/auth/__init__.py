"""Accounts: login with throttling, logout, first-login password change, language choice."""
from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import User
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why already
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    @app.before_request
    def force_password_change():
        # Imported and reset accounts must pick their own password before anything else.
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in ("auth.change_password", "auth.logout", "static",
                                         "auth.set_language")
        ):
            flash(_("Vui lòng đổi mật khẩu trước khi tiếp tục."), "warning")
            return redirect(url_for("auth.change_password"))
        return None

    @app.context_processor
    def language():
        return {"current_locale": session.get("locale")}
