"""Case list, case page and the case's audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from victimcare.accounts import policy
from victimcare.audit import services as audit
from victimcare.cases import services
from victimcare.extensions import db

cases_bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")


@cases_bp.route("")
def list_cases():
    query = request.args.get("q", "")[:40]
    with db.transaction():
        rows = services.list_cases(current_user, query)
    level = policy.case_detail_level(current_user)
    return render_template("cases/list.html", cases=rows, query=query, level=level,
                           assignments_for=lambda c: services.active_assignments(current_user, c))


@cases_bp.route("/<reference>")
def show_case(reference: str):
    from victimcare.workflow import services as workflow
    from victimcare.workflow.labels import describe_data
    from victimcare.workflow.views import STARTABLE

    with db.transaction():
        case = services.open_case(current_user, reference)
    instances = workflow.instances_for_case(case.id)
    from victimcare.housing import services as housing
    from victimcare.identification import labels as identification_labels
    from victimcare.identification import services as identification
    from victimcare.returns import services as returns
    from victimcare.support import services as support

    return render_template(
        "cases/show.html", case=case, ident=identification.identification_of(case),
        support=support.support_of(case),
        is_child=identification.is_child(case.person),
        labels=identification_labels,
        can_view_audit=policy.can_view_case_audit(current_user, case),
        timeline=workflow.case_timeline(case.id), describe_data=describe_data,
        sees_form=lambda task: workflow.may_see_completed_form(current_user, task),
        may_open=lambda task: workflow.may_work_on(current_user, task),
        open_tasks=workflow.open_tasks_of_case(case.id),
        diagrams=[(i, workflow.diagram_for(i)) for i in instances if i.status == "running"],
        startable=[key for key, roles in STARTABLE.items() if current_user.role in roles],
        housing=housing.housing_of(case), returns=returns.return_of(case))


@cases_bp.route("/<reference>/audit")
def case_audit(reference: str):
    with db.transaction():
        case, events = services.case_audit_trail(current_user, reference)
    return render_template("cases/audit.html", case=case, events=events,
                           actor_names=audit.actor_names(events), action_label=audit.action_label)
