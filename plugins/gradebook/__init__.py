"""Sổ điểm

The Thông tư 22 gradebook per class, subject and semester, filled from released assignment
grades or typed, with averages and result levels, and the score sheets VnEdu/SMAS import.
"""
from __future__ import annotations

from typing import ClassVar

from lms.plugins import LMSPlugin


class GradebookPlugin(LMSPlugin):
    """Sổ điểm

    The gradebook of Thông tư 22: ĐĐGtx, ĐĐGgk, ĐĐGck, ĐTBmhk and ĐTBmcn, result levels, the
    homeroom teacher's class view, locking, history, and XLSX exchange with VnEdu/SMAS.
    """

    default_settings: ClassVar = {}
    seed_order: ClassVar[int] = 60

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)
