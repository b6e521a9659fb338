"""What the gradebook adds to other pages: a student's published scores on their overview page
(seen by the student, their parents, their homeroom teacher and the board), and the published
averages on their parent's home."""
from __future__ import annotations

from flask import render_template

from .published import published_results


def student_results(student, **_context) -> str:
    results = published_results(student.id)
    if not results:
        return ""
    return render_template("gradebook/_student_results.html", results=results)


def parent_child_averages(child=None, parent=None, **_context) -> str:
    """The "parent-child" hook: the child's TT22 averages, from published sheets only (shown
    for the parent's own child, checked again here)."""
    if child is None or parent is None or not parent.is_parent_of(child.id):
        return ""
    return render_template("gradebook/_parent_child.html", child=child,
                           results=published_results(child.id))
