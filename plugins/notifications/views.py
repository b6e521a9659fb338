"""The inbox (every role), the notification settings, push subscriptions, and the installable web
app's manifest and service worker (served from the root so their scope is the whole site)."""
from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, delete, func, select, update

from lms.extensions import db
from lms.models import Notification
from lms.models.base import utcnow

from . import push
from .forms import SettingsForm
from .models import PushSubscription
from .preferences import preference_of

bp = Blueprint("notifications", __name__, template_folder="templates", static_folder="static",
               static_url_path="/notifications/static")
STATIC = Path(__file__).parent / "static"


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def topbar_link(**_context) -> str:
    if not current_user.is_authenticated:
        return ""
    return render_template("notifications/_topbar.html", unread=unread_count(current_user))


@bp.route("/notifications")
@login_required
def inbox():
    """Unread first, then newest first."""
    query = (select(Notification).where(Notification.user_id == current_user.id)
             .order_by(case((Notification.read_at.is_(None), 0), else_=1),
                       Notification.created_at.desc(), Notification.id.desc()))
    page = db.paginate(query, per_page=current_app.config["LMS_PAGE_SIZE"], error_out=False)
    return render_template("notifications/inbox.html", page=page,
                           unread=unread_count(current_user))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        abort(404)
    if notification.user_id != current_user.id:
        abort(403)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    link = notification.link or ""
    # only a path inside the LMS: a stored link never sends anyone to another site
    if request.form.get("open") and link.startswith("/") and not link.startswith("//"):
        return redirect(link, code=303)
    return redirect(url_for("notifications.inbox"), code=303)


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    db.session.execute(update(Notification).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    db.session.commit()
    flash(_("Đã đánh dấu tất cả thông báo là đã đọc."), "success")
    return redirect(url_for("notifications.inbox"), code=303)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    preference = preference_of(current_user)
    form = SettingsForm(obj=preference)
    if request.method == "GET":
        form.email.data = current_user.email
    if form.validate_on_submit():
        preference.email_mode = form.email_mode.data
        preference.push_enabled = form.push_enabled.data
        address = (form.email.data or "").strip()
        if address:
            current_user.email = address
        db.session.add(preference)
        db.session.commit()
        flash(_("Đã lưu cài đặt thông báo."), "success")
        return redirect(url_for("notifications.settings"), code=303)
    devices = db.session.scalar(select(func.count(PushSubscription.id)).where(
        PushSubscription.user_id == current_user.id))
    return render_template("notifications/settings.html", form=form, devices=devices,
                           vapid_public_key=push.public_key()), 400 if form.errors else 200


def _subscription_fields(payload) -> tuple[str, str, str]:
    if not isinstance(payload, dict):
        abort(400)
    keys = payload.get("keys") if isinstance(payload.get("keys"), dict) else {}
    endpoint, p256dh, auth = payload.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(v, str) and v for v in (endpoint, p256dh, auth)) \
            or not endpoint.startswith("https://") or len(endpoint) > 1000 \
            or len(p256dh) > 200 or len(auth) > 100:
        abort(400)
    return endpoint, p256dh, auth


@bp.route("/notifications/push/subscribe", methods=["POST"])
@login_required
def subscribe():
    """This browser receives push for the current user (moved over if another user had it)."""
    endpoint, p256dh, auth = _subscription_fields(request.get_json(silent=True))
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    db.session.add(PushSubscription(user_id=current_user.id, endpoint=endpoint, p256dh=p256dh,
                                    auth=auth))
    preference = preference_of(current_user)
    preference.push_enabled = True
    db.session.add(preference)
    db.session.commit()
    return jsonify({"ok": True, "message": _("Đã bật thông báo trên máy này.")})


@bp.route("/notifications/push/unsubscribe", methods=["POST"])
@login_required
def unsubscribe():
    payload = request.get_json(silent=True)
    endpoint = payload.get("endpoint") if isinstance(payload, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        abort(400)
    db.session.execute(delete(PushSubscription).where(
        PushSubscription.endpoint == endpoint, PushSubscription.user_id == current_user.id))
    db.session.commit()
    return jsonify({"ok": True, "message": _("Đã tắt thông báo trên máy này.")})


@bp.route("/manifest.webmanifest")
def manifest():
    response = jsonify({
        "name": _("Học liệu số"), "short_name": _("Học liệu số"), "lang": "vi",
        "start_url": "/", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#1d6fb8",
        "icons": [
            {"src": url_for("notifications.static", filename="icon-192.png"),
             "sizes": "192x192", "type": "image/png"},
            {"src": url_for("notifications.static", filename="icon-512.png"),
             "sizes": "512x512", "type": "image/png"},
            {"src": url_for("notifications.static", filename="icon.svg"), "sizes": "any",
             "type": "image/svg+xml"},
        ],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    response = send_file(STATIC / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def manifest_link(**_context) -> str:
    """The "head" template hook: every page names the web app's manifest, so the app can be
    installed (and on iOS receive push) from wherever the user is."""
    return f'<link rel="manifest" href="{url_for("notifications.manifest")}">'
