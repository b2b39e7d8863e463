"""Task forms: each BPMN user task names a ``formKey``; domain modules register the form and
what completing it writes to their own tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_wtf import FlaskForm


@dataclass(frozen=True)
class TaskForm:
    form_class: type[FlaskForm]
    #: form -> the data handed to the process (JSON-safe values only).
    to_data: Callable[[FlaskForm], dict]
    #: (case, actor, data, task) -> None: writes the domain facts. Runs in the same transaction.
    handler: Callable | None = None
    #: For the case history: field name -> label, in display order.
    labels: Callable[[], dict] | None = None
    #: Process data the person doing the task is shown (and nothing else of the case).
    context_keys: tuple[str, ...] = ()
    #: What of the submitted data the process gets (None: all of it).
    process_keys: tuple[str, ...] | None = None
    #: What of it the case history shows (None: all of it). Confidential text stays out.
    history_keys: tuple[str, ...] | None = None
    #: Roles that see the completed form in the case history (None: all who see the case).
    #: Need to know: the prepared return's assessment, plan and budget are CMM's only.
    history_roles: frozenset | None = None

    def for_process(self, data: dict) -> dict:
        return data if self.process_keys is None else {
            k: data[k] for k in self.process_keys if k in data}

    def for_history(self, data: dict) -> dict:
        return data if self.history_keys is None else {
            k: data[k] for k in self.history_keys if k in data}


TASK_FORMS: dict[str, TaskForm] = {}


def register(form_key: str, task_form: TaskForm) -> None:
    if form_key in TASK_FORMS:
        raise ValueError(f"form {form_key!r} is registered twice")
    TASK_FORMS[form_key] = task_form
