"""Every signal the core and its plugins send, in one place.

Plugins connect handlers through `LMSPlugin.connect_signals`; the sender is always the Flask app
unless stated otherwise, and the keyword arguments are listed per signal. Names are past tense.
"""
from blinker import Namespace

_signals = Namespace()

#: A user logged in. kwargs: user.
user_logged_in = _signals.signal("user-logged-in")
#: An account was created by an import or by an administrator. kwargs: user, actor.
user_created = _signals.signal("user-created")
#: A user's roles changed. kwargs: user, actor, added (set of role names), removed (set).
roles_changed = _signals.signal("roles-changed")
#: A bulk import of people was committed. kwargs: result (lms.people_import.ImportResult), actor.
people_imported = _signals.signal("people-imported")
#: A package was imported into a department library as a draft material. kwargs: material, actor.
material_created = _signals.signal("material-created")
#: A material's metadata or files changed. kwargs: material, actor.
material_updated = _signals.signal("material-updated")
#: A material was submitted for approval. kwargs: material, actor.
material_submitted = _signals.signal("material-submitted")
#: The department passed a material (thông qua). kwargs: material, actor.
material_passed = _signals.signal("material-passed")
#: The principal approved a material (phê duyệt). kwargs: material, actor.
material_approved = _signals.signal("material-approved")
#: An approver returned a material with a reason. kwargs: material, actor, reason.
material_returned = _signals.signal("material-returned")
#: A material was deleted. kwargs: material_id, actor.
material_deleted = _signals.signal("material-deleted")
#: A learner's attempt received a commit. kwargs: attempt, payload.
attempt_committed = _signals.signal("attempt-committed")
#: A department reached its target of approved lessons. kwargs: department, school_year, reached_on.
target_reached = _signals.signal("target-reached")
#: A teacher gave an assignment to classes, groups or students (it is now visible to them once it
#: opens). kwargs: assignment, actor.
assignment_published = _signals.signal("assignment-published")
#: A student's work on an assignment was turned in (by the student, or automatically when the
#: lesson was finished). kwargs: submission, actor (None when automatic).
submission_turned_in = _signals.signal("submission-turned-in")
#: A teacher returned graded work (Trả bài): the grade and comment are now released to the
#: student and their parents. kwargs: submissions (list), actor.
submissions_returned = _signals.signal("submissions-returned")
#: Gradebook cells changed (typed, filled from assignments, imported). kwargs: changes (list of
#: gradebook change rows), actor.
gradebook_changed = _signals.signal("gradebook-changed")
#: A parent was linked to a student (by a code, an import or the school), or a link changed
#: status (approved, revoked). kwargs: link (lms.models.ParentLink), actor, action. The parents
#: plugin sends action "linked" (a code), "requested" (pending, no code), "approved", "refused"
#: and "revoked" (by the school, or by the parent withdrawing consent).
parent_link_changed = _signals.signal("parent-link-changed")
#: A student asked a question (Hỏi thầy cô), or asked more in their thread. kwargs: thread
#: (plugins.questions.models.Thread), actor.
question_asked = _signals.signal("question-asked")
#: A teacher answered a student's question. kwargs: thread, message (None when the teacher
#: only marked it answered), actor.
question_answered = _signals.signal("question-answered")
