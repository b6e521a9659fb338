"""A content type that exists only in the tests, loaded through a tiny plugin.

A package of this type is a zip with ``lesson.json`` ({"title", "launch"}) beside its files. It
exercises the content-type-neutral pipeline (import, rollback, CLI, upload UI) without SCORM.
"""
from __future__ import annotations

import json

from sqlalchemy import select

from lms.content_types import ContentType, Inspection, Problem
from lms.extensions import db
from lms.models import Material, MaterialVersion
from lms.plugins import LMSPlugin
from lms.storage import get_store

#: a title that makes import_package fail after the files are stored (to test the rollback)
FAIL_AFTER_STORE = "Hỏng sau khi lưu tệp"


class LessonType(ContentType):
    id = "testlesson"
    name = "Bài học thử nghiệm"
    extensions = (".zip",)

    def detect(self, archive) -> bool:
        return archive.exists("lesson.json")

    def inspect(self, archive) -> Inspection:
        inspection = Inspection(content_type=self.id)
        try:
            data = json.loads(archive.read("lesson.json"))
        except ValueError as exc:
            inspection.problems.append(Problem(f"lesson.json không đọc được: {exc}",
                                               file="lesson.json", line=1))
            return inspection
        inspection.title = data.get("title", "")
        inspection.version = "1.0"
        launch = archive.resolve(data.get("launch", ""))
        if launch is None:
            inspection.problems.append(Problem(
                f"Thiếu tệp khởi chạy “{data.get('launch')}”.", file="lesson.json", line=1))
        else:
            inspection.launch_points.append(launch)
        if not data.get("title"):
            inspection.problems.append(Problem("Gói chưa có tiêu đề.", fatal=False,
                                               file="lesson.json", line=1))
        return inspection

    def import_package(self, archive, *, department, author, inspection):
        stored = archive.store_files(get_store())
        if inspection.title == FAIL_AFTER_STORE:
            raise RuntimeError("simulated failure after storing files")
        material = Material(title=inspection.title or archive.source_name,
                            content_type=self.id, department=department, author=author)
        version = MaterialVersion(
            material=material, number=1, content_type=self.id,
            source_filename=archive.source_name, created_by=author,
            inspection={"title": inspection.title, "version": inspection.version,
                        "launch_points": inspection.launch_points,
                        "problems": [vars(p) for p in inspection.problems],
                        "files": {name: blob.digest for name, blob in stored.items()}})
        db.session.add_all([material, version])
        return material

    def launch(self, material, user):
        return f"LAUNCH {material.title} for {user.username}"

    def record(self, attempt, payload: dict) -> None:
        attempt.details = dict(payload)


class LessonPlugin(LMSPlugin):
    """Bài học thử nghiệm"""

    def content_types(self):
        return [LessonType()]

    def blob_references(self) -> set[str]:
        referenced: set[str] = set()
        for inspection in db.session.scalars(select(MaterialVersion.inspection)):
            referenced |= set((inspection or {}).get("files", {}).values())
        return referenced


#: for `@pytest.mark.app_config(WITH_TEST_TYPE)` together with `@pytest.mark.plugins("testlesson")`
WITH_TEST_TYPE = {"LMS_EXTRA_PLUGINS": {"testlesson": LessonPlugin}}
