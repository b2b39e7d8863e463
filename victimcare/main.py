"""The dashboard, the health check and the error pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from victimcare import clock
from victimcare.accounts import policy
from victimcare.accounts.models import Role
from victimcare.cases import services as cases
from victimcare.extensions import db
from victimcare.i18n import _
from victimcare.support import services as support
from victimcare.support.services import ENDING_WITHIN_DAYS

main_bp = Blueprint("main", __name__)


@main_bp.route("/")
def dashboard():
    from victimcare.workflow import services as workflow

    level = policy.case_detail_level(current_user)
    summary = cases.dashboard_summary(current_user) if level != "none" else None
    alerts = workflow.open_alerts_for(current_user) if level != "none" else []
    tasks = workflow.open_tasks_for(current_user, limit=10) if level != "none" else []
    mine, ending = [], []
    if level == "full":
        with db.transaction():  # the lists are audited reads
            mine = support.my_cases(current_user)
            if current_user.role in (Role.CMM_COORDINATOR, Role.IMMIGRATION_OFFICER):
                ending = support.periods_ending(current_user)
    shelters = []
    if current_user.role == Role.CMM_COORDINATOR:  # counts only, no names
        from victimcare.housing import services as housing

        shelters = [(f, o) for f, o in housing.occupancy_today()
                    if f.is_active and o.fixed is not None]
    return render_template("main/dashboard.html", summary=summary, level=level, alerts=alerts,
                           may_follow_up=lambda alert: workflow.may_follow_up(current_user,
                                                                              alert),
                           tasks=tasks, my_cases=mine, periods_ending=ending, shelters=shelters,
                           ending_within=ENDING_WITHIN_DAYS)


@main_bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _error(code: int, title: str, message: str):
    return render_template("error.html", code=code, title=title, message=message), code


@main_bp.app_errorhandler(400)
def bad_request(_e):
    return _error(400, _("Bad request"), _("The request could not be understood."))


@main_bp.app_errorhandler(CSRFError)
def csrf_error(_e):
    return _error(400, _("The form could not be accepted"),
                  _("The form was missing its security token or came from another page. "
                    "Go back, reload the page and try again."))


@main_bp.app_errorhandler(403)
def forbidden(_e):
    return _error(403, _("No access"), _("Your role does not give access to this page."))


@main_bp.app_errorhandler(404)
def not_found(_e):
    return _error(404, _("Not found"),
                  _("There is no such page or record, or it is not shared with you."))


@main_bp.app_errorhandler(405)
def method_not_allowed(_e):
    return _error(405, _("Not allowed"), _("This page cannot be used that way."))


@main_bp.app_errorhandler(413)
def too_large(_e):
    return _error(413, _("Too large"), _("What you sent is too large."))


@main_bp.app_errorhandler(500)
def server_error(_e):
    db.session.rollback()
    return _error(500, _("Something went wrong"),
                  _("Nothing was saved. Try again; if it happens again, tell your administrator."))


@main_bp.app_template_filter("when")
def when_filter(moment) -> str:
    from victimcare.i18n import format_when

    return format_when(moment) if moment else ""


@main_bp.app_template_filter("from_now")
def from_now_filter(moment) -> str:
    """How far a time is from now, in words: "in 23 hours", "2 days ago"."""
    from flask_babel import format_timedelta

    return format_timedelta(moment - clock.now(), add_direction=True,
                            threshold=1.1) if moment else ""


@main_bp.app_template_filter("day")
def day_filter(day) -> str:
    from victimcare.i18n import format_day

    return format_day(day) if day else ""


@main_bp.app_context_processor
def layout_context() -> dict:
    """What every page needs: the language, its direction, and which menu entries to show
    (decided by the policy, not by templates)."""
    from flask_babel import get_locale

    from victimcare.i18n import UI_LOCALES, country_name, language_name, text_direction
    from victimcare.workflow.labels import (
        ALERT_TITLES,
        DIAGRAM_LANES,
        EVENT_KINDS,
        LANE_TITLES,
        PROCESS_TITLES,
        SEVERE_ALERTS,
        TASK_TITLES,
        title,
    )

    locale = str(get_locale() or "da")
    user = current_user
    return {
        "ui_locale": locale,
        "ui_dir": text_direction(locale),
        "ui_locales": UI_LOCALES,
        "now": clock.now(),
        "country_name": country_name,
        "language_name": language_name,
        "task_title": lambda name: title(TASK_TITLES, name),
        "lane_label": lambda name: title(LANE_TITLES, name),
        "diagram_lane": lambda name: title(DIAGRAM_LANES, name),
        "process_title": lambda key: title(PROCESS_TITLES, key),
        "event_kind": lambda kind: title(EVENT_KINDS, kind),
        "alert_title": lambda kind: title(ALERT_TITLES, kind),
        "severe_alert": lambda kind: kind in SEVERE_ALERTS,
        "may": lambda endpoint: policy.may_call(user, endpoint),
        "nav": {
            "cases": policy.may_call(user, "cases.list_cases"),
            "tasks": policy.may_call(user, "tasks.inbox"),
            "admin": policy.may_call(user, "admin.list_users"),
            "new_referral": policy.may_call(user, "identification.new_referral"),
            "housing": policy.may_call(user, "housing.occupancy"),
        },
    }
