"""The task inbox."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

tasks_bp = Blueprint("tasks", __name__, url_prefix="/tasks", template_folder="templates")


@tasks_bp.route("")
def inbox():
    return render_template("workflow/inbox.html", tasks=[])


@tasks_bp.route("/<int:task_id>")
def show_task(task_id: int):
    abort(404)
