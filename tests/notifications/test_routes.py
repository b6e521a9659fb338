"""The notifications plugin's routes in the role × route matrix."""
import pytest

from lms.extensions import db
from tests.route_matrix import (
    AUTHENTICATED,
    CORE_ROUTES,
    PUBLIC,
    Case,
    Sample,
    assert_routes_declared,
    check_route_matrix,
)

pytestmark = pytest.mark.plugins("notifications")


def _notification_of(username: str) -> Sample:
    def build(demo):
        from plugins.notifications import creating

        creating.add([demo[username]], "material.approved", "Đã duyệt", "/library")
        db.session.flush()
        from sqlalchemy import func, select

        from lms.models import Notification

        return db.session.scalar(select(func.max(Notification.id)))

    return Sample(build)


NOTIFICATIONS_ROUTES = {
    "notifications.inbox": Case(AUTHENTICATED),
    "notifications.read": Case({"gv.toan"}, {"notification_id": _notification_of("gv.toan")},
                               method="POST", note="only the notification's own reader"),
    "notifications.read_all": Case(AUTHENTICATED, method="POST"),
    "notifications.settings": [
        Case(AUTHENTICATED),
        Case(AUTHENTICATED, method="POST", data={"email_mode": "weekly"}),
    ],
    "notifications.subscribe": Case(AUTHENTICATED, method="POST",
                                    note="a form post is not a subscription: 400, not a refusal"),
    "notifications.unsubscribe": Case(AUTHENTICATED, method="POST"),
    "notifications.manifest": Case(PUBLIC),
    "notifications.service_worker": Case(PUBLIC),
    "notifications.static": Case(PUBLIC, {"filename": "icon.svg"}),
}


def test_every_notifications_route_is_declared(app):
    assert_routes_declared(app, CORE_ROUTES, NOTIFICATIONS_ROUTES)


def test_notifications_routes_for_every_persona(app, demo):
    check_route_matrix(app, demo, NOTIFICATIONS_ROUTES)
