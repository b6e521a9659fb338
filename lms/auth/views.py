from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from .. import signals
from ..extensions import db, limiter
from ..models import User, audit
from ..models.base import utcnow
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LMS_LOGIN_LIMIT"]


def _username_key() -> str:
    # Throttle per account name too, so one address cannot be used to spray many accounts
    # and many addresses cannot hammer one account.
    return "user:" + (request.form.get("username") or "").strip().lower()


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "/\evil.example" as "//evil.example" and drop tabs and newlines.
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 for ch in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_username_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username))
        if user is None or not user.check_password(form.password.data):
            audit("auth.login_failed", actor=user, username=username)
            db.session.commit()
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        elif not user.active:
            audit("auth.login_refused_disabled", actor=user)
            db.session.commit()
            flash(_("Tài khoản này đã bị khóa. Hãy liên hệ Tổ CNTT của trường."), "error")
        else:
            login_user(user, remember=form.remember.data)
            session.permanent = True
            user.last_login_at = utcnow()
            audit("auth.login", actor=user)
            db.session.commit()
            signals.user_logged_in.send(current_app._get_current_object(), user=user)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit("auth.logout", actor=current_user)
    db.session.commit()
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        elif form.new_password.data == form.current_password.data:
            form.new_password.errors.append(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
        else:
            current_user.set_password(form.new_password.data)
            current_user.must_change_password = False
            user = current_user._get_current_object()  # audit() needs the model, not the proxy
            audit("auth.password_changed", actor=user, target=user)
            db.session.commit()
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LMS_LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))
