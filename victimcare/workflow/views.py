"""The task inbox, task pages (forms, drafts), claiming and assigning, starting a process."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from victimcare.accounts import policy
from victimcare.accounts.models import Role, User
from victimcare.accounts.views import show_violation
from victimcare.cases.models import Case
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _
from victimcare.workflow import services
from victimcare.workflow.forms import TASK_FORMS
from victimcare.workflow.labels import describe_data
from victimcare.workflow.models import Alert, TaskState

tasks_bp = Blueprint("tasks", __name__, template_folder="templates")

#: Processes a person may start from a case page, and who may start them.
STARTABLE = {"support_activity": {Role.CMM_COORDINATOR, Role.CMM_CONTACT_PERSON}}


@tasks_bp.route("/tasks")
def inbox():
    return render_template("workflow/inbox.html", rows=services.open_tasks_for(current_user))


def _form_for(task, draft_data: dict | None = None):
    """The task's form: from the request on POST, from the draft (if any) on GET."""
    form_class = TASK_FORMS[task.form_key].form_class
    if draft_data is not None:
        return form_class(formdata=MultiDict(draft_data))
    return form_class()


@tasks_bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
def show_task(task_id: int):
    task = (services.load_task_for_completion(task_id, current_user)
            if request.method == "POST" else services.load_task_or_404(task_id, current_user))
    if task.state != TaskState.READY:
        return _done_task(task)
    if request.method == "POST":
        form = _form_for(task)
        token = request.form.get("submission_id", "")[:64] or uuid.uuid4().hex
        if request.form.get("action") == "save_draft":
            with db.transaction():
                services.save_draft(task, current_user, services.typed_values(request.form))
            flash(_("Draft saved. You can come back to it from your task list."), "success")
            return redirect(url_for("tasks.show_task", task_id=task.id))
        if form.validate_on_submit():
            data = TASK_FORMS[task.form_key].to_data(form)
            try:
                with db.transaction():
                    applied = services.complete_task(task, current_user, data, token)
            except RuleViolation as error:
                show_violation(form, error)
            else:
                flash(_("Saved. The task is done.") if applied else
                      _("This form was already saved; it was not saved twice."), "success")
                return redirect(url_for("tasks.inbox"))
        draft = None
    else:
        draft = services.draft_for(task, current_user)
        form = _form_for(task, draft.data if draft else None)
        token = uuid.uuid4().hex
    case = db.session.get(Case, task.case_id)
    return render_template("workflow/task.html", task=task, case=case, form=form,
                           token=token, draft=draft, task_title=task_title(task.task_name),
                           context=describe_data(task.context),
                           colleagues=services.colleagues_for(task)
                           if current_user.role == Role.CMM_COORDINATOR else [],
                           person_name=case.person.minimal_name,
                           person_language=case.person.language)


def _done_task(task):
    """A done task's page leads to the case history (or the inbox); a form posted to it again
    is answered, not applied."""
    case = db.session.get(Case, task.case_id)
    if request.method == "POST":
        token = request.form.get("submission_id", "")[:64]
        if token and token == task.completion_token:
            flash(_("This form was already saved; it was not saved twice."), "success")
        else:
            flash(_("This task was already completed. Nothing you sent was saved."), "error")
    if policy.can_view_case(current_user, case):
        return redirect(url_for("cases.show_case", reference=case.reference) + "#history")
    return redirect(url_for("tasks.inbox"))


def task_title(task_name: str) -> str:
    from victimcare.workflow.labels import TASK_TITLES, title

    return title(TASK_TITLES, task_name)


def _load_ready(task_id: int):
    task = services.load_task_or_404(task_id, current_user)
    if task.state != TaskState.READY:
        abort(404)
    return task


@tasks_bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
def claim_task(task_id: int):
    task = _load_ready(task_id)
    with db.transaction():
        services.claim(task, current_user)
    flash(_("The task is yours now."), "success")
    return redirect(url_for("tasks.show_task", task_id=task.id))


@tasks_bp.route("/tasks/<int:task_id>/release", methods=["POST"])
def release_task(task_id: int):
    task = _load_ready(task_id)
    try:
        with db.transaction():
            services.release(task, current_user)
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        flash(_("The task is back in the shared list."), "success")
    return redirect(url_for("tasks.inbox"))


@tasks_bp.route("/tasks/<int:task_id>/assign", methods=["POST"])
def assign_task(task_id: int):
    task = _load_ready(task_id)
    colleague_id = request.form.get("user_id", "")
    colleague = (db.session.get(User, int(colleague_id))
                 if colleague_id.isdigit() and len(colleague_id) < 10 else None)
    if colleague is None:
        flash(_("Choose a colleague."), "error")
        return redirect(url_for("tasks.show_task", task_id=task.id))
    try:
        with db.transaction():
            services.assign(task, current_user, colleague)
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        flash(_("The task is assigned to %(name)s.", name=colleague.full_name), "success")
    return redirect(url_for("tasks.inbox"))


@tasks_bp.route("/cases/<reference>/processes/<process_key>", methods=["POST"])
def start_process(reference: str, process_key: str):
    case = policy.load_case_or_404(reference, current_user)
    if current_user.role not in STARTABLE.get(process_key, set()):
        abort(404)
    with db.transaction():
        services.start(process_key, case, current_user)
    flash(_("Started. The first task is in the task list."), "success")
    return redirect(url_for("cases.show_case", reference=case.reference))


@tasks_bp.route("/alerts/<int:alert_id>/followed-up", methods=["POST"])
def follow_up_alert(alert_id: int):
    """Someone has acted on an alert of a process that has ended: it leaves the dashboards."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or not services.may_follow_up(current_user, alert):
        abort(404)
    with db.transaction():
        services.follow_up_alert(alert, current_user)
    flash(_("Marked as followed up."), "success")
    return redirect(url_for("main.dashboard"))
