"""What the gradebook adds to other pages: a student's published scores on their overview page
(seen by the student, their parents, their homeroom teacher and the board)."""
from __future__ import annotations

from flask import render_template

from .published import published_results


def student_results(student, **_context) -> str:
    results = published_results(student.id)
    if not results:
        return ""
    return render_template("gradebook/_student_results.html", results=results)
