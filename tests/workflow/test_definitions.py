"""Every BPMN file is parsed and checked at start-up; a broken one fails loudly, naming the
file and the element."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from victimcare.workflow import engine
from victimcare.workflow.forms import TASK_FORMS

SAMPLE = (engine.WORKFLOWS_DIR / "support_activity.bpmn").read_text()


def test_every_process_file_loads_with_known_lanes_and_forms(app):
    definitions = engine.load_directory()
    assert "support_activity" in definitions
    for definition in definitions.values():
        for task in definition.user_tasks.values():
            assert task.lane in engine.LANES
            assert task.form_key in TASK_FORMS, (definition.file, task.name)


def test_sample_has_lanes_a_gateway_an_ngo_task_and_an_escalating_timer(app):
    definition = engine.load_directory()["support_activity"]
    lanes = {t.lane for t in definition.user_tasks.values()}
    assert lanes == {"CMM", "NGO"}
    tags = {tag for tag, _name, _attached in definition.elements.values()}
    assert {"exclusiveGateway", "boundaryEvent", "serviceTask", "lane"} <= tags


def _load(tmp_path: Path, xml: str):
    (tmp_path / "broken.bpmn").write_text(xml)
    return engine.load_directory(tmp_path)


@pytest.mark.parametrize(("change", "expected"), [
    (("approved == True", "__import__('os').system('id')"), "Task_approve|Gateway_approved"),
    (("<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">due_at",
      "<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">due_at.__class__"), "Timer_overdue"),
    (('<bpmn:lane id="Lane_ngo" name="NGO">', '<bpmn:lane id="Lane_ngo" name="Pirates">'),
     "Pirates"),
    (('<spiffworkflow:property name="formKey" value="activity_report" />', ""),
     "Task_carry_out"),
    (("&quot;activity_overdue&quot;", "open(&quot;/etc/passwd&quot;)"), "Task_alert_overdue"),
    (("</bpmn:process>", "</bpmn:procss>"), "broken.bpmn"),
    (('targetRef="Task_approve"', 'targetRef="Task_missing"'), "broken.bpmn"),
])
def test_broken_file_fails_naming_file_and_element(tmp_path, change, expected):
    old, new = change
    assert old in SAMPLE
    with pytest.raises(engine.ProcessDefinitionError) as error:
        _load(tmp_path, SAMPLE.replace(old, new))
    message = str(error.value)
    assert "broken.bpmn" in message
    assert any(part in message for part in expected.split("|")), message


def test_script_tasks_are_refused(tmp_path):
    xml = re.sub(
        r'<bpmn:serviceTask id="Task_alert_overdue".*?</bpmn:serviceTask>',
        '<bpmn:scriptTask id="Task_alert_overdue" name="Alert CMM">'
        "<bpmn:incoming>Flow_overdue</bpmn:incoming><bpmn:outgoing>Flow_escalated"
        "</bpmn:outgoing><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>", SAMPLE,
        flags=re.S)
    with pytest.raises(engine.ProcessDefinitionError, match="scripts are not allowed"):
        _load(tmp_path, xml)


def test_app_refuses_to_start_with_a_broken_file(tmp_path, settings):
    from victimcare import create_app

    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "bad.bpmn").write_text(SAMPLE.replace("approved == True", "exec('1')"))
    settings = type(settings)(**{**settings.__dict__, "workflows_dir": str(tmp_path / "wf")})
    with pytest.raises(engine.ProcessDefinitionError, match="bad.bpmn"):
        create_app(settings, instance_path=str(tmp_path / "instance"))


def _spiff_reference(workflow) -> str:
    """SpiffWorkflow's own serialization with the specs removed (what ``dump`` used to do)."""
    import json

    serializer = engine._SERIALIZER
    dct = serializer.to_dict(workflow)
    dct.pop("spec")
    dct.pop("subprocess_specs")
    dct[serializer.VERSION_KEY] = serializer.VERSION
    return json.dumps(dct, cls=engine._ENCODER, separators=(",", ":"))


@pytest.mark.parametrize(("process_key", "data"), [
    ("identification", {"is_detained": True,
                        "is_child": False, "interview_organisation_id": None,
                        "deadline_at": "2026-11-26T10:00:00+00:00"}),
    ("identification", {"is_detained": False, "is_child": True,
                        "interview_organisation_id": 2}),
    ("support", {"period_kind": "reflection"}),
    ("support_activity", {}),
    ("prepared_return", {}),
])
def test_dump_writes_what_spiffworkflow_writes_without_the_specs(app, process_key, data):
    """``dump`` skips converting the spec (it was thrown away); the stored text must stay
    exactly SpiffWorkflow's, and load it back to the same state."""
    definition = engine.load_directory()[process_key]
    workflow = engine.new_workflow(definition, {"case_id": 1, **data})
    stages = [engine.dump(workflow)]
    assert stages[0] == _spiff_reference(workflow)
    engine.run_engine(workflow)
    stages.append(engine.dump(workflow))
    assert stages[1] == _spiff_reference(workflow)
    assert stages[0] != stages[1]  # the engine ran: the comparison covers a second state
    again = engine.load(stages[1], definition)
    assert engine.dump(again) == stages[1]
    assert "spec" not in json.loads(stages[1]) and "subprocess_specs" not in json.loads(stages[1])
