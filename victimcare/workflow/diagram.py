"""The process diagram, drawn on the server as SVG from the BPMN diagram interchange.

Done elements, the current (open) tasks and waiting events are marked, so the case page shows
where the case stands without any JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from victimcare.workflow.engine import ProcessDefinition

EVENTS = {"startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent",
          "intermediateThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
ACTIVITIES = {"task", "userTask", "serviceTask", "manualTask", "callActivity", "subProcess",
              "sendTask", "receiveTask", "businessRuleTask", "scriptTask"}


@dataclass
class Shape:
    id: str
    kind: str  # lane, event, gateway, activity
    tag: str
    name: str
    x: float
    y: float
    w: float
    h: float
    state: str  # done, current, waiting, ""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def r(self) -> float:
        return min(self.w, self.h) / 2

    @property
    def diamond(self) -> str:
        return (f"{self.cx},{self.y} {self.x + self.w},{self.cy} {self.cx},{self.y + self.h} "
                f"{self.x},{self.cy}")

    @property
    def lines(self) -> list[str]:
        """The name wrapped to the width of the box (about 7 px a character)."""
        words, lines, line = self.name.split(), [], ""
        limit = max(8, int(self.w / 7.5))
        for word in words:
            if line and len(line) + 1 + len(word) > limit:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return [*lines, line] if line else lines


@dataclass
class Edge:
    points: str
    label: str
    label_x: float
    label_y: float


def build(definition: ProcessDefinition, done: set[str], waiting: set[str],
          current: set[str], label=lambda element_id, name: name) -> dict:
    """Shapes and edges to draw; ``label(id, bpmn_name)`` gives the text shown."""
    shapes, edges = [], []
    for element_id, (x, y, w, h) in definition.shapes.items():
        tag, name, _attached = definition.elements.get(element_id, ("", "", None))
        if tag == "participant":
            continue
        kind = ("lane" if tag == "lane" else "event" if tag in EVENTS
                else "gateway" if tag in GATEWAYS else "activity" if tag in ACTIVITIES
                else "other")
        state = ("current" if element_id in current else "done" if element_id in done
                 else "waiting" if element_id in waiting else "")
        shown = name if tag == "lane" else label(element_id, name)
        shapes.append(Shape(element_id, kind, tag, shown, x, y, w, h, state))
    for flow_id, points in definition.edges.items():
        _tag, name, _ = definition.elements.get(flow_id, ("", "", None))
        (x1, y1), (x2, y2) = points[0], points[1]
        edges.append(Edge(" ".join(f"{x},{y}" for x, y in points),
                          label(flow_id, name) if name else "",
                          (x1 + x2) / 2 + 6, (y1 + y2) / 2 - 6))
    order = {"lane": 0, "activity": 1, "gateway": 1, "event": 2, "other": 1}
    shapes.sort(key=lambda s: order[s.kind])
    width = max((s.x + s.w for s in shapes), default=100) + 10
    height = max((s.y + s.h for s in shapes), default=100) + 10
    return {"shapes": shapes, "edges": edges, "width": width, "height": height}
