"""Role-aware home pages, class lists and a parent's view of each child."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import ClassEnrollment, Department, Role, SchoolClass, SchoolYear, User, UserRole
from .permissions import can_see_class, require_student_access

bp = Blueprint("home", __name__)

#: Which home a user with several roles lands on: the first role they hold in this order.
HOME_ORDER = (
    Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD,
    Role.TEACHER, Role.STUDENT, Role.PARENT,
)


def primary_role(user) -> Role | None:
    for role in HOME_ORDER:
        if user.has_role(role):
            return role
    return None


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    role = primary_role(current_user)
    if role is None:
        abort(403)
    year = SchoolYear.current()
    context = {"role": role.value, "year": year}
    if role in (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN):
        context["counts"] = _school_counts(year)
        context["departments"] = db.session.scalars(select(Department).order_by(Department.name)).all()
    elif role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.TEACHER):
        context["department"] = current_user.department
        context["homeroom"] = _homeroom_classes(current_user, year)
        if current_user.department is not None:
            context["colleagues"] = _department_members(current_user.department.id)
    elif role is Role.STUDENT:
        context["classes"] = current_user.classes(year.id if year else None)
    elif role is Role.PARENT:
        context["children"] = _children_with_classes(current_user, year)
    return render_template(f"home/{role.value if role.value in _TEMPLATES else 'staff'}.html",
                           **context)


_TEMPLATES = {"principal", "vice_principal", "admin", "student", "parent"}


def _school_counts(year):
    def count_role(role: Role) -> int:
        return db.session.scalar(select(func.count()).select_from(UserRole)
                                 .where(UserRole.role == role.value)) or 0

    classes = 0
    if year is not None:
        classes = db.session.scalar(select(func.count()).select_from(SchoolClass)
                                    .where(SchoolClass.school_year_id == year.id)) or 0
    return {
        "teachers": count_role(Role.TEACHER),
        "students": count_role(Role.STUDENT),
        "parents": count_role(Role.PARENT),
        "classes": classes,
        "departments": db.session.scalar(select(func.count()).select_from(Department)) or 0,
    }


def _homeroom_classes(user, year):
    if year is None:
        return []
    return db.session.scalars(
        select(SchoolClass).where(SchoolClass.homeroom_teacher_id == user.id,
                                  SchoolClass.school_year_id == year.id).order_by(SchoolClass.name)
    ).all()


def _department_members(department_id: int):
    from .models import DepartmentMembership

    return db.session.scalars(
        select(User).join(DepartmentMembership, DepartmentMembership.user_id == User.id)
        .where(DepartmentMembership.department_id == department_id).order_by(User.sort_key)
    ).all()


def _children_with_classes(parent, year):
    children = parent.children()
    if not children:
        return []
    query = (
        select(ClassEnrollment.student_id, SchoolClass)
        .join(SchoolClass, SchoolClass.id == ClassEnrollment.class_id)
        .where(ClassEnrollment.student_id.in_([c.id for c in children]))
    )
    if year is not None:
        query = query.where(SchoolClass.school_year_id == year.id)
    class_of = {student_id: school_class for student_id, school_class in db.session.execute(query)}
    return [(child, class_of.get(child.id)) for child in children]


@bp.route("/students/<int:student_id>")
@login_required
def student(student_id: int):
    """A student's overview: the student, their parents and homeroom teacher, or the board."""
    require_student_access(student_id)
    person = db.session.get(User, student_id)
    if person is None or not person.has_role(Role.STUDENT):
        abort(404)
    year = SchoolYear.current()
    return render_template("home/student_overview.html", student=person,
                           classes=person.classes(year.id if year else None))


@bp.route("/classes/<int:class_id>")
@login_required
def school_class(class_id: int):
    if not can_see_class(current_user, class_id):
        abort(403)
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        abort(404)
    students = db.session.scalars(
        select(User).join(ClassEnrollment, ClassEnrollment.student_id == User.id)
        .where(ClassEnrollment.class_id == class_id).order_by(User.sort_key)
        .options(selectinload(User.roles))
    ).all()
    return render_template("home/class.html", school_class=school_class, students=students,
                           show_details=_sees_student_details(current_user, school_class))


def _sees_student_details(user, school_class) -> bool:
    """Birth dates and links to each student's page: the homeroom teacher and the board only.

    Subject teachers see the class list (they teach across classes) but, per Decree 13/2023 on
    personal data, not the details of students they are not responsible for.
    """
    return (user.has_role(Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
            or school_class.homeroom_teacher_id == user.id)
