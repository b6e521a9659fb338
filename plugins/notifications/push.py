"""Web push: the server's VAPID key, the payload (never personal data) and sending to devices.

A payload only says there is something new and where to look: no names, titles or grades, since
it passes through the browser vendor's push service and shows on a locked screen.
"""
from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask_babel import gettext as _
from py_vapid import Vapid01
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select

from lms.config import data_dir
from lms.extensions import db

from .models import PushSubscription

log = logging.getLogger(__name__)
KEY_FILE = "vapid_private.pem"
#: seconds the push service keeps a message for a device that is offline
TTL = 24 * 3600


def _plugin_settings() -> dict:
    from lms.plugins import registry

    return registry().plugins["notifications"].settings


def vapid_key() -> Vapid01:
    """The configured key (PEM text in settings), else the one generated on first use into
    LMS_DATA_DIR: the first process to write it wins, the others read it (as the secret key)."""
    configured = _plugin_settings()["vapid_private_key"].strip()
    if configured:
        return Vapid01.from_pem(configured.encode())
    key_file = data_dir(current_app) / KEY_FILE
    if not key_file.exists():
        _write_first(key_file)
    return Vapid01.from_file(str(key_file))


def _write_first(key_file: Path) -> None:
    vapid = Vapid01()
    vapid.generate_keys()
    tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(vapid.private_pem())
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, key_file)  # first writer wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def public_key() -> str:
    """The applicationServerKey browsers subscribe with (base64url, uncompressed point)."""
    raw = vapid_key().public_key.public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def payload_for(_notification) -> str:
    """The JSON sent for any notification: the same words whatever it is about, by design."""
    return json.dumps({"title": _("Có thông báo mới"), "body": _("Mở ứng dụng để xem."),
                       "url": "/notifications"}, ensure_ascii=False)


def send_to_user(user_id: int, payload: str) -> int:
    """Push `payload` to every device of the user; returns how many accepted it. A device the
    push service no longer knows (404/410) is forgotten; other failures are logged."""
    key = vapid_key()
    subject = _plugin_settings()["vapid_subject"]
    delivered = 0
    for subscription in db.session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user_id)):
        info = {"endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        try:
            webpush(info, data=payload, vapid_private_key=key,
                    vapid_claims={"sub": subject}, ttl=TTL, timeout=10)
        except WebPushException as problem:
            status = getattr(problem.response, "status_code", None)
            if status in (404, 410):
                db.session.execute(delete(PushSubscription).where(
                    PushSubscription.id == subscription.id))
            else:
                log.warning("push to user %s failed: %s", user_id, problem.message)
            continue
        except OSError as problem:  # DNS, refused connection, timeout
            log.warning("push to user %s failed: %s", user_id, problem)
            continue
        delivered += 1
    return delivered


def has_devices(user_id: int) -> bool:
    return db.session.scalar(select(PushSubscription.id).where(
        PushSubscription.user_id == user_id).limit(1)) is not None
