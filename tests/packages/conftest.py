"""Helpers for the package pipeline tests: what is in the database, the store and the uploads."""
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db


@pytest.fixture
def leftovers(app):
    """A callable returning (materials, versions, blobs, upload files): all must stay 0 on failure."""
    from lms.models import Material, MaterialVersion
    from lms.storage import get_store

    def count():
        with app.app_context():
            materials = db.session.scalar(sa.select(sa.func.count()).select_from(Material))
            versions = db.session.scalar(sa.select(sa.func.count()).select_from(MaterialVersion))
            blobs = len(list(get_store().iter_digests()))
        uploads = Path(app.config["LMS_DATA_DIR"]) / "uploads"
        files = len(list(uploads.iterdir())) if uploads.is_dir() else 0
        return materials, versions, blobs, files

    return count


@pytest.fixture
def people(app, demo):
    """Look up demo departments and users by code/username inside an app context."""
    from lms.models import Department, User

    class People:
        def department(self, code):
            return db.session.scalar(sa.select(Department).where(Department.code == code))

        def user(self, username):
            return db.session.scalar(sa.select(User).where(User.username == username))

    return People()
