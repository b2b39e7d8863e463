"""SpiffWorkflow, wrapped. Nothing outside ``victimcare.workflow`` imports SpiffWorkflow.

* parsing and checking the BPMN files (``ProcessLibrary``),
* a script engine that evaluates only checked expressions and runs no scripts,
* serialization without the spec (the spec is stored once per process version),
* timers on the application clock, and the next due time of an instance.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from victimcare import clock
from victimcare.workflow import expressions

WORKFLOWS_DIR = Path(__file__).resolve().parent.parent.parent / "workflows"

#: Lane name in BPMN -> who does the work. Documented in docs/workflows.md.
LANES = {"CMM": "cmm", "CMM coordinator": "cmm", "NGO": "ngo",
         "Immigration Service": "immigration_service"}

TIMER_TYPES = {"TimeDateEventDefinition", "DurationTimerEventDefinition",
               "CycleTimerEventDefinition"}


class ProcessDefinitionError(Exception):
    """A BPMN file is broken or uses something not allowed; names the file and element."""


class _AppClockDatetime(datetime):
    """SpiffWorkflow's timers ask ``datetime.now``; they get the application's clock."""

    @classmethod
    def now(cls, tz=None):
        moment = clock.now()
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


timer_module.datetime = _AppClockDatetime


# --- expressions and service calls ------------------------------------------------------

_outbox: contextvars.ContextVar[list | None] = contextvars.ContextVar("outbox", default=None)


class _RestrictedEnvironment(TaskDataEnvironment):
    def evaluate(self, expression, context, external_context=None):
        return expressions.evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script, context, external_context=None):
        raise PermissionError("script tasks are disabled: use a service task")

    def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
        # Raising here would be swallowed by SpiffWorkflow; collect and apply after the step.
        params = {k: v["value"] for k, v in (operation_params or {}).items()}
        outbox = _outbox.get()
        if outbox is None:
            raise RuntimeError("service task run outside a collecting step")
        outbox.append((operation_name, params))
        return json.dumps({"queued": True})


SCRIPT_ENGINE = PythonScriptEngine(environment=_RestrictedEnvironment({}))


class collect_service_calls:
    """``with collect_service_calls() as calls:`` gathers the service calls of the steps."""

    def __enter__(self) -> list:
        self.calls: list = []
        self.token = _outbox.set(self.calls)
        return self.calls

    def __exit__(self, *exc) -> None:
        _outbox.reset(self.token)


# --- parsing and checking ------------------------------------------------------------------


@dataclass
class UserTaskInfo:
    name: str
    title: str
    lane: str | None
    form_key: str


@dataclass
class ProcessDefinition:
    key: str
    file: str
    sha256: str
    bpmn_xml: str
    spec: object
    subprocess_specs: dict
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    #: DI: element id -> (x, y, width, height); flow id -> waypoints.
    shapes: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    #: element id -> (BPMN tag, name, attached-to id or None)
    elements: dict = field(default_factory=dict)


def parse_bpmn(xml: str, file_name: str, process_key: str) -> ProcessDefinition:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        from lxml import etree

        parser.add_bpmn_xml(etree.fromstring(xml.encode("utf-8")), filename=file_name)
        spec = parser.get_spec(process_key)
        subspecs = parser.get_subprocess_specs(process_key)
    except Exception as exc:  # the parser raises several types; all mean a broken file
        raise ProcessDefinitionError(f"{file_name}: {_describe(exc)}") from exc
    definition = ProcessDefinition(
        key=process_key, file=file_name, sha256=hashlib.sha256(xml.encode()).hexdigest(),
        bpmn_xml=xml, spec=spec, subprocess_specs=subspecs)
    _check(definition)
    _read_diagram(definition)
    return definition


def _describe(exc: Exception) -> str:
    parts = [str(exc)]
    for attr in ("id", "tag", "name", "line_number"):
        value = getattr(exc, attr, None)
        if value:
            parts.append(f"{attr}={value}")
    return ", ".join(parts)


def _check(definition: ProcessDefinition) -> None:
    """Every expression passes the whitelist, no scripts, lanes and form keys are known."""
    where = definition.file
    for spec in [definition.spec, *definition.subprocess_specs.values()]:
        for name, task_spec in spec.task_specs.items():
            element = f"{where}: element {name!r}"
            kind = type(task_spec).__name__
            if kind == "ScriptTask" or getattr(task_spec, "prescript", None) or getattr(
                    task_spec, "postscript", None):
                raise ProcessDefinitionError(f"{element}: scripts are not allowed")
            for cond, _target in getattr(task_spec, "cond_task_specs", []) or []:
                if cond is not None:
                    _check_expression(cond.args[0], element)
            event = getattr(task_spec, "event_definition", None)
            if event is not None and type(event).__name__ in TIMER_TYPES:
                _check_expression(event.expression, element)
            for param in (getattr(task_spec, "operation_params", None) or {}).values():
                _check_expression(param["value"], element)
            lane = getattr(task_spec, "lane", None)
            if lane is not None and lane not in LANES:
                raise ProcessDefinitionError(
                    f"{element}: unknown lane {lane!r} (known: {', '.join(LANES)})")
            if kind == "UserTask":
                props = task_spec.extensions.get("properties", {})
                form_key = props.get("formKey")
                if not form_key:
                    raise ProcessDefinitionError(f"{element}: a user task needs a formKey")
                if lane is None:
                    raise ProcessDefinitionError(f"{element}: a user task must be in a lane")
                definition.user_tasks[name] = UserTaskInfo(
                    name=name, title=task_spec.bpmn_name or name, lane=lane, form_key=form_key)


def _check_expression(expression: str, element: str) -> None:
    try:
        expressions.compile_expression(expression)
    except expressions.ExpressionError as exc:
        raise ProcessDefinitionError(f"{element}: {exc}") from exc


def _read_diagram(definition: ProcessDefinition) -> None:
    from lxml import etree

    ns = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
          "dc": "http://www.omg.org/spec/DD/20100524/DC",
          "di": "http://www.omg.org/spec/DD/20100524/DI"}
    root = etree.fromstring(definition.bpmn_xml.encode("utf-8"))
    model = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(model) and element.get("id"):
            definition.elements[element.get("id")] = (
                element.tag[len(model):], element.get("name") or "", element.get("attachedToRef"))
    for shape in root.iterfind(".//bpmndi:BPMNShape", ns):
        bounds = shape.find("dc:Bounds", ns)
        if bounds is not None:
            definition.shapes[shape.get("bpmnElement")] = tuple(
                float(bounds.get(k)) for k in ("x", "y", "width", "height"))
    for edge in root.iterfind(".//bpmndi:BPMNEdge", ns):
        definition.edges[edge.get("bpmnElement")] = [
            (float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", ns)]


def load_directory(directory: Path | None = None) -> dict[str, ProcessDefinition]:
    """Parse and check every ``*.bpmn``; the process key is the file's executable process id."""
    from lxml import etree

    directory = directory or WORKFLOWS_DIR
    definitions = {}
    for path in sorted(directory.glob("*.bpmn")):
        xml = path.read_text(encoding="utf-8")
        try:
            root = etree.fromstring(xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise ProcessDefinitionError(f"{path.name}: not well-formed XML: {exc}") from exc
        processes = [p.get("id") for p in root.iterfind(
            "{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
            if p.get("isExecutable") == "true"]
        if len(processes) != 1:
            raise ProcessDefinitionError(f"{path.name}: needs exactly one executable process")
        definitions[processes[0]] = parse_bpmn(xml, path.name, processes[0])
    return definitions


# --- running and storing -------------------------------------------------------------------

_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_ENCODER = create_encoder(_SERIALIZER.registry)
SERIALIZER_VERSION = _SERIALIZER.VERSION


def new_workflow(definition: ProcessDefinition, data: dict) -> BpmnWorkflow:
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs,
                            script_engine=SCRIPT_ENGINE)
    workflow.get_tasks(state=TaskState.READY)[0].set_data(**data)
    return workflow


def _workflow_converter() -> BpmnWorkflowConverter:
    """The serializer's own converter of ``BpmnWorkflow`` (registered as a partial)."""
    registry = _SERIALIZER.registry
    converter = registry.convert_to_dict[registry.typenames[BpmnWorkflow]].args[1].__self__
    # exactly SpiffWorkflow's: a subclass could write more than ``_state_to_dict`` does
    if type(converter).to_dict is not BpmnWorkflowConverter.to_dict:
        raise RuntimeError("SpiffWorkflow's workflow converter is not where it was")
    return converter


_WORKFLOW_CONVERTER = _workflow_converter()


def _state_to_dict(workflow: BpmnWorkflow) -> dict:
    """``_SERIALIZER.to_dict(workflow)`` without ``spec`` and ``subprocess_specs``: what
    ``BpmnWorkflowConverter.to_dict`` writes, in the same order, minus the specs, which would
    be converted on every save only to be thrown away (about a third of the work)."""
    converter = _WORKFLOW_CONVERTER
    dct = WorkflowConverter.to_dict(converter, workflow)
    dct["subprocesses"] = converter.mapping_to_dict(workflow.subprocesses)
    dct["bpmn_events"] = converter.registry.convert(workflow.bpmn_events)
    dct["typename"] = _SERIALIZER.registry.typenames[BpmnWorkflow]
    return dct


def dump(workflow: BpmnWorkflow) -> str:
    dct = _state_to_dict(workflow)
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    return json.dumps(dct, cls=_ENCODER, separators=(",", ":"))


def load(serialized: str, definition: ProcessDefinition) -> BpmnWorkflow:
    dct = json.loads(serialized)
    _SERIALIZER.migrate(dct)
    dct["spec"], dct["subprocess_specs"] = definition.spec, definition.subprocess_specs
    workflow = _SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def run_engine(workflow: BpmnWorkflow) -> list:
    """Advance everything that needs no person (gateways, service tasks, due timers) and
    return the service calls made on the way."""
    with collect_service_calls() as calls:
        for _ in range(50):  # a bounded loop: each round fires what became due
            workflow.refresh_timers()
            workflow.do_engine_steps()
            due = next_timer_due(workflow)
            if due is None or due > clock.now():
                break
    return calls


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    due = []
    for event in workflow.waiting_events():
        if event.event_type in TIMER_TYPES:
            if isinstance(event.value, str):
                due.append(TimerEventDefinition.parse_time_or_duration(event.value))
            else:  # an exhausted cycle: due now
                due.append(clock.now())
    return min((_plain(d) for d in due), default=None)


def _plain(moment: datetime) -> datetime:
    """An aware UTC ``datetime`` (not SpiffWorkflow's clock subclass)."""
    return datetime.fromtimestamp(moment.timestamp(), UTC)


@dataclass
class ReadyTask:
    id: str
    name: str
    lane: str | None
    data: dict
    due_at: datetime | None


def ready_user_tasks(workflow: BpmnWorkflow) -> list[ReadyTask]:
    tasks = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        tasks.append(ReadyTask(id=str(task.id), name=task.task_spec.name,
                               lane=task.task_spec.lane, data=dict(task.data),
                               due_at=_boundary_due(task) or _process_deadline(task.data)))
    return tasks


def _process_deadline(data: dict) -> datetime | None:
    """A deadline for the whole process (``deadline_at``, e.g. the 72 hours of a detained
    person), which the process's own timers watch: every task in it is due by then."""
    value = data.get("deadline_at")
    return _plain(datetime.fromisoformat(value)) if isinstance(value, str) else None


def _boundary_due(task) -> datetime | None:
    """The earliest waiting timer attached to the task (its deadline), if any."""
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return None
    due = []
    for sibling in parent.children:
        event = getattr(sibling.task_spec, "event_definition", None)
        if sibling is task or event is None or type(event).__name__ not in TIMER_TYPES:
            continue
        value = sibling.internal_data.get("event_value")
        # A timer that already fired (the task opened after its deadline) still gives it.
        if sibling.state in (TaskState.WAITING, TaskState.READY, TaskState.COMPLETED) \
                and isinstance(value, str):
            due.append(_plain(TimerEventDefinition.parse_time_or_duration(value)))
    return min(due, default=None)


def complete(workflow: BpmnWorkflow, task_id: str, data: dict) -> str:
    """Complete a READY user task with ``data``; returns its spec name."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception as exc:
        raise LookupError(task_id) from exc
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise LookupError(task_id)
    task.set_data(**data)
    task.run()
    return task.task_spec.name


class MigrationRefusedError(Exception):
    """The new version removed an element the instance is using; it stays on its version."""


def migrate(workflow: BpmnWorkflow, new: ProcessDefinition) -> None:
    """Move a running workflow onto ``new`` (SpiffWorkflow's diff and migrate).

    Open user tasks keep their ids (and so their inbox rows and drafts); timers already
    waiting keep their due time, so a legal clock that has started is never moved by a file
    change. Refused when an element in use no longer exists.
    """
    top, subprocess_diffs = diff_workflow(_SERIALIZER.registry, workflow, new.spec,
                                          new.subprocess_specs)
    removed = [t.task_spec.name for t in top.removed]
    for diff in subprocess_diffs.values():
        removed += ["(subprocess removed)"] if diff is None else [
            t.task_spec.name for t in diff.removed]
    if removed:
        raise MigrationRefusedError(f"elements in use were removed: {', '.join(removed)}")
    migrate_workflow(top, workflow, new.spec, reset_mask=TaskState.READY)
    for subprocess_id, diff in subprocess_diffs.items():
        subprocess = workflow.subprocesses[subprocess_id]
        migrate_workflow(diff, subprocess, new.subprocess_specs[subprocess.spec.name],
                         reset_mask=TaskState.READY)
    workflow.subprocess_specs = new.subprocess_specs


def is_completed(workflow: BpmnWorkflow) -> bool:
    return workflow.is_completed()


def element_states(workflow: BpmnWorkflow) -> tuple[set[str], set[str], set[str]]:
    """(done, current, waiting) BPMN element ids, for marking the diagram: current are the
    open user tasks, waiting the timers and other events the process waits for."""
    done, current, waiting = set(), set(), set()
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            done.add(bpmn_id)
        elif task.state == TaskState.READY and task.task_spec.manual:
            current.add(bpmn_id)
        elif task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
            waiting.add(bpmn_id)
    return done, current, waiting

