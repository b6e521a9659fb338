"""From checked records to a plan: what the import would create, change or leave alone.

A plan is computed twice in the web flow (for the preview, then again at confirmation, so that
changes made in between are taken into account) and applied by `committing.apply_plan`.
Planning only reads the database, in bulk (see `existing`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from ..models import Role, SchoolYear
from . import existing
from .usernames import UsernameAllocator, name_base, student_base
from .validation import RowKeys, RowProblem, StudentRecord, TeacherRecord, find_duplicates

UserRef = int | str  #: an existing user's id, or the key of an account this import creates
ClassRef = int | str  #: an existing class's id, or the name of a class this import creates

TEACHER_ROLE = Role.TEACHER.value
POSITION_ROLES = {"head": Role.DEPARTMENT_HEAD.value, "deputy": Role.DEPUTY_HEAD.value,
                  "principal": Role.PRINCIPAL.value, "vice_principal": Role.VICE_PRINCIPAL.value}


@dataclass
class NewAccount:
    key: str
    username: str
    full_name: str
    role: str
    birth_date: date | None = None
    email: str | None = None
    phone: str | None = None
    external_code: str | None = None
    national_id: str | None = None
    extra_roles: list[str] = field(default_factory=list)
    #: shown on the password slip: the student's class, or the children's classes
    class_label: str = ""


@dataclass
class ImportPlan:
    kind: str
    school_year_id: int
    problems: list[RowProblem] = field(default_factory=list)
    #: "students"/"teachers"/"parents"/"classes" -> Counter(new=, updated=, unchanged=)
    counts: dict[str, Counter] = field(default_factory=dict)
    new_grades: list[int] = field(default_factory=list)
    new_classes: dict[str, int] = field(default_factory=dict)  #: name -> grade number
    new_accounts: list[NewAccount] = field(default_factory=list)
    user_updates: list[dict] = field(default_factory=list)  #: {"id": ..., column: value}
    roles_added: list[tuple[UserRef, str]] = field(default_factory=list)
    roles_removed: list[tuple[int, str]] = field(default_factory=list)
    enrollments_added: list[tuple[UserRef, ClassRef]] = field(default_factory=list)
    enrollments_moved: list[tuple[int, ClassRef]] = field(default_factory=list)
    links_added: list[tuple[UserRef, UserRef, str | None]] = field(default_factory=list)
    memberships_added: list[tuple[UserRef, int, str]] = field(default_factory=list)
    memberships_changed: list[dict] = field(default_factory=list)
    homerooms: list[tuple[ClassRef, UserRef]] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes_anything(self) -> bool:
        return any(counter["new"] or counter["updated"] for counter in self.counts.values())

    def count(self, group: str, outcome: str) -> None:
        self.counts.setdefault(group, Counter())[outcome] += 1


def current_year() -> SchoolYear | None:
    return SchoolYear.current()


class _Planner:
    def __init__(self, plan: ImportPlan):
        self.plan = plan
        self.usernames = UsernameAllocator(existing.all_usernames())
        self.grades = existing.grade_levels()
        self.classes = existing.classes_of_year(plan.school_year_id)
        self.problems: dict[int, RowProblem] = {p.row: p for p in plan.problems}

    def reject(self, row: int, reason: str) -> None:
        self.problems.setdefault(row, RowProblem(row)).reasons.append(reason)

    def class_ref(self, name: str, grade: int) -> ClassRef:
        info = self.classes.get(name)
        if info is not None:
            return info.id
        if name not in self.plan.new_classes:
            self.plan.new_classes[name] = grade
            self.plan.count("classes", "new")
            if grade not in self.grades and grade not in self.plan.new_grades:
                self.plan.new_grades.append(grade)
        return name

    def new_account(self, base: str, **fields) -> NewAccount:
        account = NewAccount(key=f"new:{len(self.plan.new_accounts)}",
                             username=self.usernames.allocate(base), **fields)
        self.plan.new_accounts.append(account)
        return account

    def check_national_ids(self, keys: list[RowKeys], records) -> dict[str, existing.Person]:
        """Reject rows repeating a Mã định danh of an earlier row; return the accounts that
        already hold the file's ids, for `national_id_taken`."""
        for problem in find_duplicates(
                keys, "national_id",
                lambda value, first: _("Mã định danh %(value)s trùng với dòng %(row)s.",
                                       value=value, row=first)):
            self.reject(problem.row, problem.reasons[0])
        return existing.people_by_national_id(r.national_id for r in records if r.national_id)

    def national_id_taken(self, record, person, holders: dict[str, existing.Person]) -> bool:
        """Reject the row when its Mã định danh belongs to another account than `person`."""
        holder = holders.get(record.national_id) if record.national_id else None
        if holder is None or (person is not None and holder.id == person.id):
            return False
        self.reject(record.row, _("Mã định danh %(value)s đã được dùng cho tài khoản khác "
                                  "(%(username)s).", value=record.national_id,
                                  username=holder.username))
        return True

    def finish(self) -> ImportPlan:
        self.plan.problems = sorted(self.problems.values(), key=lambda p: p.row)
        return self.plan


def _changes(person: existing.Person, **wanted) -> dict:
    """Columns whose value in the file differs; an empty cell never erases what is stored."""
    changed = {}
    for column, value in wanted.items():
        if value not in (None, "") and getattr(person, column) != value:
            changed[column] = value
    return changed


# Students -------------------------------------------------------------------------------------
def plan_students(records: list[StudentRecord], keys: list[RowKeys],
                  plan: ImportPlan) -> ImportPlan:
    planner = _Planner(plan)
    for problem in find_duplicates(
            keys, "student_code",
            lambda code, first: _("Mã học sinh %(code)s trùng với dòng %(row)s.", code=code,
                                  row=first)):
        planner.reject(problem.row, problem.reasons[0])
    id_holders = planner.check_national_ids(keys, records)
    records = [r for r in records if r.row not in planner.problems]
    known = existing.people_by_code(r.code for r in records)
    known_ids = [p.id for p in known.values()]
    enrollments = existing.enrollments_in_year(known_ids, plan.school_year_id)
    links = existing.parent_links(known_ids)
    parents = _ParentDirectory(records)

    for record in records:
        person = known.get(record.code)
        if person is not None and existing.STUDENT not in person.roles:
            planner.reject(record.row, _("Mã học sinh %(code)s đã được dùng cho tài khoản khác "
                                         "(%(username)s).", code=record.code,
                                         username=person.username))
            continue
        if planner.national_id_taken(record, person, id_holders):
            continue
        class_ref = planner.class_ref(record.class_name, record.grade)
        if person is None:
            account = planner.new_account(
                student_base(record.code, record.full_name), full_name=record.full_name,
                role=existing.STUDENT, birth_date=record.birth_date, email=record.email,
                phone=record.phone, external_code=record.code, national_id=record.national_id,
                class_label=record.class_name)
            student_ref: UserRef = account.key
            plan.enrollments_added.append((student_ref, class_ref))
            plan.count("students", "new")
        else:
            student_ref = person.id
            changed = _changes(person, full_name=record.full_name, birth_date=record.birth_date,
                               email=record.email, phone=record.phone,
                               national_id=record.national_id)
            if changed:
                plan.user_updates.append({"id": person.id, **changed})
            enrollment = enrollments.get(person.id)
            if enrollment is None:
                plan.enrollments_added.append((person.id, class_ref))
            elif enrollment[1] != class_ref:
                plan.enrollments_moved.append((enrollment[0], class_ref))
            moved = enrollment is None or enrollment[1] != class_ref
            plan.count("students", "updated" if changed or moved else "unchanged")
        if record.parent is not None:
            parents.link(planner, record, student_ref, links)
    parents.count(plan)
    return planner.finish()


class _ParentDirectory:
    """One parent account per distinct phone or email: siblings share it."""

    def __init__(self, records: list[StudentRecord]):
        phones = {r.parent.phone for r in records if r.parent and r.parent.phone}
        emails = {r.parent.email for r in records if r.parent and r.parent.email}
        self.by_phone = _only_parents(existing.people_by_phone(phones))
        self.by_email = _only_parents(existing.people_by_email(emails))
        self.refs: dict[str, UserRef] = {}  #: "phone:..."/"email:..." -> parent
        self.new_accounts: dict[str, NewAccount] = {}
        self.outcome: dict[UserRef, str] = {}

    def resolve(self, planner: _Planner, record: StudentRecord) -> UserRef:
        info = record.parent
        keys = [k for k in (info.phone and f"phone:{info.phone}",
                            info.email and f"email:{info.email}") if k]
        ref = next((self.refs[k] for k in keys if k in self.refs), None)
        if ref is None:
            person = (self.by_phone.get(info.phone) if info.phone else None) or (
                self.by_email.get(info.email) if info.email else None)
            if person is not None:
                ref = person.id
                self.outcome.setdefault(ref, "unchanged")
            else:
                name = info.name or f"Phụ huynh em {record.full_name}"
                account = planner.new_account(
                    "ph." + name_base(name), full_name=name, role=existing.PARENT,
                    email=info.email, phone=info.phone)
                self.new_accounts[account.key] = account
                ref = account.key
                self.outcome[ref] = "new"
        for key in keys:
            self.refs.setdefault(key, ref)
        return ref

    def link(self, planner: _Planner, record: StudentRecord, student_ref: UserRef,
             links: set[tuple[int, int]]) -> None:
        parent_ref = self.resolve(planner, record)
        if parent_ref in self.new_accounts:
            account = self.new_accounts[parent_ref]
            labels = [c for c in account.class_label.split(", ") if c]
            if record.class_name not in labels:
                account.class_label = ", ".join([*labels, record.class_name])
        if isinstance(parent_ref, int) and isinstance(student_ref, int) and (
                (parent_ref, student_ref) in links):
            return
        links.add((parent_ref, student_ref))  # type: ignore[arg-type]  # siblings: once each
        planner.plan.links_added.append((parent_ref, student_ref, record.parent.relationship))
        if self.outcome.get(parent_ref) == "unchanged":
            self.outcome[parent_ref] = "updated"

    def count(self, plan: ImportPlan) -> None:
        for outcome in self.outcome.values():
            plan.count("parents", outcome)


def _only_parents(found: dict[str, list[existing.Person]]) -> dict[str, existing.Person]:
    result = {}
    for key, people in found.items():
        parent = next((p for p in people if existing.PARENT in p.roles), None)
        if parent is not None:
            result[key] = parent
    return result


# Teachers -------------------------------------------------------------------------------------
def plan_teachers(records: list[TeacherRecord], keys: list[RowKeys], plan: ImportPlan,
                  has_position_column: bool) -> ImportPlan:
    planner = _Planner(plan)
    duplicates = [
        *find_duplicates(keys, "teacher_code", lambda code, first: _(
            "Mã giáo viên %(code)s trùng với dòng %(row)s.", code=code, row=first)),
        *find_duplicates(keys, "email", lambda email, first: _(
            "Email %(email)s trùng với dòng %(row)s.", email=email, row=first)),
        *find_duplicates(keys, "homeroom", lambda name, first: _(
            "Lớp %(name)s đã có GVCN ở dòng %(row)s.", name=name, row=first)),
    ]
    for problem in duplicates:
        planner.reject(problem.row, problem.reasons[0])
    id_holders = planner.check_national_ids(keys, records)
    departments = existing.departments()
    by_code = existing.people_by_code(r.code for r in records if r.code)
    by_email = existing.people_by_email(r.email for r in records if r.email)
    matched_ids = {p.id for p in by_code.values()} | {
        p.id for people in by_email.values() for p in people}
    memberships = existing.memberships(matched_ids)

    for record in records:
        if record.row in planner.problems:
            continue
        department_id = None
        if record.department:
            department_id = departments.get(record.department.upper()) or departments.get(
                existing.department_key(record.department))
            if department_id is None:
                planner.reject(record.row, _("Không có tổ chuyên môn \"%(name)s\".",
                                             name=record.department))
        person = _match_teacher(planner, record, by_code, by_email)
        if record.row in planner.problems or planner.national_id_taken(record, person,
                                                                       id_holders):
            continue
        roles = {TEACHER_ROLE}
        if record.position in POSITION_ROLES:
            roles.add(POSITION_ROLES[record.position])
        membership_position = record.position if record.position in ("head", "deputy") else (
            "member")
        if person is None:
            account = planner.new_account(
                name_base(record.full_name), full_name=record.full_name, role=TEACHER_ROLE,
                birth_date=record.birth_date, email=record.email, phone=record.phone,
                external_code=record.code, national_id=record.national_id,
                extra_roles=sorted(roles - {TEACHER_ROLE}),
                class_label=record.homeroom or "")
            ref: UserRef = account.key
            if department_id is not None:
                plan.memberships_added.append((ref, department_id, membership_position))
            plan.count("teachers", "new")
        else:
            ref = person.id
            changed = _changes(person, full_name=record.full_name, birth_date=record.birth_date,
                               email=record.email, phone=record.phone,
                               external_code=record.code, national_id=record.national_id)
            if changed:
                plan.user_updates.append({"id": person.id, **changed})
            role_change = _plan_roles(plan, person, roles, has_position_column)
            membership_change = _plan_membership(plan, person.id, memberships.get(person.id),
                                                 department_id, membership_position,
                                                 has_position_column)
            homeroom_change = record.homeroom is not None and (
                planner.classes.get(record.homeroom) is None
                or planner.classes[record.homeroom].homeroom_teacher_id != person.id)
            plan.count("teachers", "updated" if changed or role_change or membership_change
                       or homeroom_change else "unchanged")
        if record.homeroom:
            class_ref = planner.class_ref(record.homeroom, record.homeroom_grade)
            info = planner.classes.get(record.homeroom)
            if info is None or info.homeroom_teacher_id != ref:
                plan.homerooms.append((class_ref, ref))
    return planner.finish()


def _match_teacher(planner: _Planner, record: TeacherRecord, by_code, by_email):
    """The existing account this row describes, or None; rejects the row on a conflict."""
    by_its_code = by_code.get(record.code) if record.code else None
    staff_with_email = [p for p in by_email.get(record.email, []) if p.roles - {
        existing.STUDENT, existing.PARENT}] if record.email else []
    by_its_email = staff_with_email[0] if staff_with_email else None
    for person in (by_its_code, by_its_email):
        if person is not None and not (person.roles - {existing.STUDENT, existing.PARENT}):
            planner.reject(record.row, _("Mã %(code)s đã được dùng cho tài khoản khác "
                                         "(%(username)s).", code=record.code,
                                         username=person.username))
            return None
    if by_its_code and by_its_email and by_its_code.id != by_its_email.id:
        planner.reject(record.row, _("Mã giáo viên %(code)s thuộc %(first)s nhưng email "
                                     "%(email)s thuộc %(second)s.", code=record.code,
                                     first=by_its_code.username, email=record.email,
                                     second=by_its_email.username))
        return None
    if by_its_code is None and by_its_email is not None and record.code and (
            by_its_email.external_code not in (None, record.code)):
        planner.reject(record.row, _("Email %(email)s thuộc giáo viên có mã %(code)s, khác mã "
                                     "trong tệp.", email=record.email,
                                     code=by_its_email.external_code))
        return None
    return by_its_code or by_its_email


def _plan_roles(plan: ImportPlan, person: existing.Person, wanted: set[str],
                follow_position: bool) -> bool:
    added = wanted - person.roles
    removed = set()
    if follow_position:
        # The file says who heads a department now; an old head loses the head role.
        removed = {Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value} & (person.roles - wanted)
    plan.roles_added += [(person.id, role) for role in sorted(added)]
    plan.roles_removed += [(person.id, role) for role in sorted(removed)]
    return bool(added or removed)


def _plan_membership(plan: ImportPlan, user_id: int, current: tuple | None,
                     department_id: int | None, position: str, follow_position: bool) -> bool:
    if department_id is None:
        return False
    if current is None:
        plan.memberships_added.append((user_id, department_id, position))
        return True
    membership_id, current_department, current_position = current
    new_position = position if follow_position else current_position
    if (current_department, current_position) == (department_id, new_position):
        return False
    plan.memberships_changed.append(
        {"id": membership_id, "department_id": department_id, "position": new_position})
    return True

