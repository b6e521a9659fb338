"""The demo school that `make run` creates on first start. Idempotent: it only adds what's missing."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import (
    ClassEnrollment,
    Department,
    DepartmentMembership,
    GradeLevel,
    ParentLink,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    User,
)
from .models.base import utcnow

DEMO_PASSWORD = "demo2026"

DEPARTMENTS = [
    ("TOAN", "Tổ Toán – Tin", [("TOAN", "Toán"), ("TIN", "Tin học")]),
    ("VAN", "Tổ Ngữ văn", [("VAN", "Ngữ văn"), ("GDCD", "Giáo dục công dân")]),
    ("ANH", "Tổ Ngoại ngữ", [("ANH", "Tiếng Anh")]),
    ("KHTN", "Tổ Khoa học tự nhiên", [("KHTN", "Khoa học tự nhiên"), ("CN", "Công nghệ"),
                                       ("GDTC", "Giáo dục thể chất")]),
]

# Phân công chuyên môn: subject -> [(teacher, classes)]. GDTC is assessed by comment only
# (Đạt/Chưa đạt, Thông tư 22), so the demo gradebook shows both kinds of subject.
TEACHING = {
    "TOAN": [("gv.toan", ("6A1", "6A2")), ("tt.toan", ("7A1",)), ("tp.toan", ("8A1",))],
    "TIN": [("gv.tin", ("6A1", "6A2", "7A1", "8A1"))],
    "VAN": [("gv.van", ("6A1", "6A2")), ("tt.van", ("7A1", "8A1"))],
    "GDCD": [("gv.van", ("6A1", "6A2", "7A1", "8A1"))],
    "ANH": [("gv.anh", ("6A1", "6A2")), ("tt.anh", ("7A1", "8A1"))],
    "KHTN": [("gv.khtn", ("6A1", "6A2")), ("tt.khtn", ("7A1", "8A1"))],
    "CN": [("tt.khtn", ("6A1", "6A2", "7A1", "8A1"))],
    "GDTC": [("gv.khtn", ("6A1", "6A2", "7A1", "8A1"))],
}

# username, full name, roles, department code, position
STAFF = [
    ("admin", "Phan Quốc Khánh", [Role.ADMIN], None, None),
    ("hieutruong", "Nguyễn Thị Thanh Hương", [Role.PRINCIPAL], None, None),
    ("phohieutruong", "Trần Văn Bình", [Role.VICE_PRINCIPAL], None, None),
    ("tt.toan", "Lê Minh Tuấn", [Role.DEPARTMENT_HEAD, Role.TEACHER], "TOAN", "head"),
    ("tp.toan", "Đỗ Thị Mai", [Role.DEPUTY_HEAD, Role.TEACHER], "TOAN", "deputy"),
    ("gv.toan", "Phạm Thu Trang", [Role.TEACHER], "TOAN", "member"),
    ("gv.tin", "Vũ Đức Anh", [Role.TEACHER], "TOAN", "member"),
    ("tt.van", "Hoàng Thị Lan", [Role.DEPARTMENT_HEAD, Role.TEACHER], "VAN", "head"),
    ("gv.van", "Bùi Ngọc Ánh", [Role.TEACHER], "VAN", "member"),
    ("tt.anh", "Đặng Quang Huy", [Role.DEPARTMENT_HEAD, Role.TEACHER], "ANH", "head"),
    ("gv.anh", "Ngô Thị Hồng Nhung", [Role.TEACHER], "ANH", "member"),
    ("tt.khtn", "Trịnh Văn Đức", [Role.DEPARTMENT_HEAD, Role.TEACHER], "KHTN", "head"),
    ("gv.khtn", "Lý Thị Thu Hà", [Role.TEACHER], "KHTN", "member"),
]

# class, grade, homeroom teacher, students (full name, birth date)
CLASSES = [
    ("6A1", 6, "gv.toan", [
        ("Nguyễn Hoàng Nam", date(2014, 3, 12)), ("Trần Ngọc Bảo Anh", date(2014, 7, 2)),
        ("Lê Gia Huy", date(2014, 1, 25)), ("Phạm Minh Khôi", date(2014, 11, 9)),
        ("Võ Thảo Vy", date(2014, 5, 30)),
    ]),
    ("6A2", 6, "gv.van", [
        ("Đặng Quốc Bảo", date(2014, 2, 14)), ("Huỳnh Thị Kim Ngân", date(2014, 9, 3)),
        ("Phan Đức Thịnh", date(2014, 4, 21)), ("Mai Anh Thư", date(2014, 12, 1)),
    ]),
    ("7A1", 7, "gv.anh", [
        ("Trương Khánh Linh", date(2013, 6, 6)), ("Hồ Tuấn Kiệt", date(2013, 8, 18)),
        ("Dương Bảo Ngọc", date(2013, 10, 27)), ("Lâm Nhật Minh", date(2013, 3, 3)),
    ]),
    ("8A1", 8, "gv.khtn", [
        ("Tạ Quang Vinh", date(2012, 1, 8)), ("Châu Ngọc Hân", date(2012, 4, 16)),
        ("Kiều Minh Đức", date(2012, 7, 29)), ("Cao Thị Yến", date(2012, 11, 11)),
    ]),
]


def _school_year_for(today: date) -> tuple[str, date, date]:
    name = SchoolYear.name_for(today)
    first = int(name[:4])
    return name, date(first, 9, 5), date(first + 1, 5, 31)


def _get_or_create(model, defaults=None, **filters):
    instance = db.session.scalar(select(model).filter_by(**filters))
    if instance is not None:
        return instance, False
    instance = model(**filters, **(defaults or {}))
    db.session.add(instance)
    return instance, True


def seed_demo_school(today: date | None = None) -> tuple[bool, list[tuple[str, str]]]:
    """Create the demo school; return (anything created?, [(username, description)])."""
    today = today or date.today()
    password_hash = generate_password_hash(DEMO_PASSWORD)  # hashed once: the KDF is slow on purpose
    created_any = False

    def mark(created: bool) -> None:
        nonlocal created_any
        created_any = created_any or created

    if School.current() is None:
        db.session.add(School(name="Trường THCS Nguyễn Du", code="79000701",
                              address="Quận 1, Thành phố Hồ Chí Minh"))
        mark(True)
    name, start, end = _school_year_for(today)
    year, created = _get_or_create(SchoolYear, {"start_date": start, "end_date": end}, name=name)
    mark(created)
    if SchoolYear.current() is None:
        db.session.flush()
        year.make_current()
    departments = {}
    subjects_by_code = {}
    for code, dept_name, subjects in DEPARTMENTS:
        department, created = _get_or_create(Department, {"name": dept_name}, code=code)
        mark(created)
        departments[code] = department
        for subject_code, subject_name in subjects:
            subjects_by_code[subject_code], created = _get_or_create(
                Subject, {"name": subject_name, "department": department}, code=subject_code)
            mark(created)
    grades = {}
    for number in range(6, 10):
        grades[number], created = _get_or_create(GradeLevel, number=number)
        mark(created)

    logins: list[tuple[str, str]] = []

    def user(username: str, full_name: str, roles, **extra) -> User:
        existing = db.session.scalar(select(User).where(User.username == username))
        if existing is not None:
            return existing
        account = User(username=username, full_name=full_name, password_hash=password_hash, **extra)
        for role in roles:
            account.add_role(role)
        db.session.add(account)
        mark(True)
        return account

    accounts = {}
    for username, full_name, roles, dept_code, position in STAFF:
        accounts[username] = account = user(username, full_name, roles)
        if dept_code and account.department_membership is None:
            account.department_membership = DepartmentMembership(
                department=departments[dept_code], position=position)
        logins.append((username, f"{full_name} – " + ", ".join(_role_vi(r) for r in roles)))
    db.session.flush()

    classes = {}
    for class_number, (class_name, grade, homeroom, students) in enumerate(CLASSES, start=1):
        school_class, created = _get_or_create(
            SchoolClass, {"grade_level": grades[grade], "homeroom_teacher": accounts[homeroom]},
            name=class_name, school_year_id=year.id)
        mark(created)
        classes[class_name] = school_class
        db.session.flush()
        for index, (full_name, born) in enumerate(students, start=1):
            code = f"{class_name.lower()}.{index:02d}"
            # The demo students were shown the privacy notice when they enrolled (Decree 13/2023).
            student = user(f"hs.{code}", full_name, [Role.STUDENT], birth_date=born,
                           external_code=f"HS{year.name[:4]}{class_name}{index:02d}",
                           privacy_notice_seen_at=utcnow())
            if student.national_id is None:
                # 079 = Hồ Chí Minh City, 2 = born in the 2000s, the birth year, then a serial.
                student.national_id = f"0792{born.year % 100:02d}{class_number:03d}{index:03d}"
                mark(True)
            parent_name = _parent_name(full_name, index)
            parent = user(f"ph.{code}", parent_name, [Role.PARENT], phone=f"09{index:02d}{grade:02d}1234")
            db.session.flush()
            _, created = _get_or_create(ClassEnrollment, student_id=student.id,
                                        class_id=school_class.id)
            mark(created)
            # The demo parents consented when the school enrolled their child (Decree 13/2023).
            _, created = _get_or_create(ParentLink, {"relationship_label": "Mẹ" if index % 2 else "Bố",
                                                     "consent_at": utcnow()},
                                        parent_id=parent.id, student_id=student.id)
            mark(created)
            if class_name == "6A1" and index == 1:
                logins.append((student.username, f"{full_name} – Học sinh lớp {class_name}"))
                logins.append((parent.username, f"{parent_name} – Phụ huynh của {full_name}"))
    db.session.flush()
    for subject_code, teachers in TEACHING.items():
        for username, class_names in teachers:
            for class_name in class_names:
                _, created = _get_or_create(
                    TeachingAssignment, teacher_id=accounts[username].id,
                    class_id=classes[class_name].id,
                    subject_id=subjects_by_code[subject_code].id)
                mark(created)
    db.session.commit()
    return created_any, logins


def seed_plugins_demo(today: date | None = None) -> list[str]:
    """Let each loaded plugin add its part of the demo school (lessons, assignments, grades),
    in `seed_order`; return the lines they want printed. Run after `seed_demo_school`."""
    from flask import current_app

    from .plugins import DemoSchool, registry

    accounts = {u.username: u for u in db.session.scalars(select(User))}
    demo = DemoSchool(today=today or date.today(), accounts=accounts)
    plugins = sorted(registry(current_app).plugins.values(), key=lambda p: p.seed_order)
    for plugin in plugins:
        plugin.seed_demo(demo)
        db.session.commit()
    return demo.notes


def _parent_name(child_name: str, index: int) -> str:
    family = child_name.split()[0]
    mothers = ["Nguyễn Thị Hoa", "Trần Thị Thu", "Lê Thị Mỹ", "Phạm Thị Ngọc", "Võ Thị Hạnh"]
    return (mothers[(index - 1) % len(mothers)] if index % 2 else f"{family} Văn Hùng")


def _role_vi(role: Role) -> str:
    return {
        Role.ADMIN: "Quản trị (Tổ CNTT)", Role.PRINCIPAL: "Hiệu trưởng",
        Role.VICE_PRINCIPAL: "Phó hiệu trưởng", Role.DEPARTMENT_HEAD: "Tổ trưởng",
        Role.DEPUTY_HEAD: "Tổ phó", Role.TEACHER: "Giáo viên", Role.STUDENT: "Học sinh",
        Role.PARENT: "Phụ huynh",
    }[role]
