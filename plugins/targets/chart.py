"""The approvals-over-time chart, drawn on the server as SVG (no JavaScript, prints well).

This module computes the geometry; `templates/targets/_chart.html` draws it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WIDTH = 640
HEIGHT = 240
LEFT = 40  # room for the scale
BOTTOM = 28  # room for the month labels
TOP = 12


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass
class ApprovalChart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    #: y of the dashed target line, None when there is no target
    target_y: float | None = None
    target: int = 0
    #: (y, value) of the scale's gridlines
    ticks: list[tuple[float, int]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT


def approval_chart(points: list[tuple[date, int]], target: int) -> ApprovalChart:
    """Bars of the cumulative count at the end of each month, against the school's target."""
    chart = ApprovalChart(target=target)
    top_value = max([target, *(value for _, value in points), 1])
    plot_height = HEIGHT - BOTTOM - TOP

    def y_of(value: int) -> float:
        return round(chart.baseline - plot_height * value / top_value, 1)

    slot = (WIDTH - LEFT - 8) / max(len(points), 1)
    for index, (month, value) in enumerate(points):
        y = y_of(value)
        chart.bars.append(Bar(x=round(LEFT + index * slot + slot * 0.15, 1), y=y,
                              width=round(slot * 0.7, 1), height=round(chart.baseline - y, 1),
                              value=value, label=month.strftime("%m/%Y")))
    if target:
        chart.target_y = y_of(target)
    steps = 4
    chart.ticks = [(y_of(round(top_value * i / steps)), round(top_value * i / steps))
                   for i in range(steps + 1)]
    return chart
