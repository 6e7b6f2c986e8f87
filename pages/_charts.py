"""Altair (Vega-Lite) charts drawn from the data ``core`` computes: histograms, the coverage heatmap,
spend over time, an arc's intensity band. Pages call these; no chart decides anything about the data."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from core.costs import SpendPoint
from core.export.histograms import Category, Histogram
from core.export.insight import HeatCell
from core.intensity import IntensityChart, intensity_chart
from core.review.detail import ConversationDetail

HEAT_SELECTION = "square"
LEGEND = alt.Legend(orient="bottom", direction="horizontal", labelLimit=400, titleLimit=400)


def histogram_chart(histogram: Histogram, *, height: int = 200) -> alt.Chart:
    """Bars on a numeric axis: each bar spans its bin's edges, so the order is the numbers' order."""
    frame = pd.DataFrame(histogram.rows())
    if histogram.whole_numbers:
        return _whole_number_chart(histogram, frame, height)
    return (
        alt.Chart(frame, height=height)
        .mark_bar(color="#4C78A8", stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("start:Q", title=histogram.unit, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=8)),
            x2="end:Q",
            y=alt.Y("count:Q", title="conversations", axis=alt.Axis(tickMinStep=1), scale=alt.Scale(domainMin=0)),
            y2=alt.datum(0),  # bars stand on zero: with both x edges given, Vega-Lite needs the baseline
            tooltip=[alt.Tooltip("label:N", title=histogram.unit), alt.Tooltip("count:Q", title="conversations")],
        )
    )


def _whole_number_chart(histogram: Histogram, frame: pd.DataFrame, height: int) -> alt.Chart:
    """One bar per whole number (turns), labelled by the number under its middle: no 2.5 turns on the axis."""
    order = [b.number for b in histogram.bins]
    return (
        alt.Chart(frame, height=height)
        .mark_bar(color="#4C78A8")
        .encode(
            x=alt.X("label:O", title=histogram.unit, sort=order, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title="conversations", axis=alt.Axis(tickMinStep=1), scale=alt.Scale(domainMin=0)),
            tooltip=[alt.Tooltip("label:N", title=histogram.unit), alt.Tooltip("count:Q", title="conversations")],
        )
    )


def category_chart(found: list[Category]) -> alt.Chart:
    frame = pd.DataFrame([c.model_dump() for c in found])
    return (
        alt.Chart(frame, height=max(120, 22 * len(found)))
        .mark_bar(color="#72B7B2")
        .encode(
            x=alt.X("count:Q", title="conversations", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("name:N", sort="-x", title=None),
            tooltip=["name:N", "count:Q"],
        )
    )


def heatmap_chart(cells: list[HeatCell]) -> alt.LayerChart | alt.FacetChart:
    """Persona × arc squares coloured by approved conversations, labelled approved / written; click to select."""
    most = max((c.approved for c in cells), default=0)
    frame = pd.DataFrame(
        [
            c.model_dump(exclude={"gaps"})
            | {
                "gap_count": len(c.gaps),
                "label": f"{c.approved} / {c.generated}" if c.generated else "–",
                "dark": most > 0 and c.approved >= max(1, most * 0.6),  # white text on the darker greens
            }
            for c in cells
        ]
    )
    pick = alt.selection_point(name=HEAT_SELECTION, fields=["persona_key", "arc_key"], on="click")
    base = alt.Chart(frame).encode(
        x=alt.X("arc:N", title="Emotional arc", axis=alt.Axis(labelAngle=-40, labelLimit=220, labelOverlap=False)),
        y=alt.Y("persona:N", title="Persona", axis=alt.Axis(labelLimit=220)),
    )
    squares = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "approved:Q",
            title="Approved conversations",
            scale=alt.Scale(scheme="greens", domainMin=0),
            legend=alt.Legend(orient="bottom", titleLimit=300, format="d", tickMinStep=1),
        ),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("persona:N", title="Persona"),
            alt.Tooltip("arc:N", title="Arc"),
            alt.Tooltip("approved:Q", title="Approved"),
            alt.Tooltip("generated:Q", title="Written"),
            alt.Tooltip("gap_count:Q", title="Suited topics with none approved"),
        ],
    )
    labels = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("#333333")),
    )
    return alt.layer(squares.add_params(pick), labels).properties(height=heatmap_height(cells) - HEAT_MARGIN)


HEAT_MARGIN = 190  # rotated arc names, the axis title and the legend below the squares


def heatmap_height(cells: list[HeatCell]) -> int:
    """The element height to pass to ``st.altair_chart`` (its default, "content", collapses a layered chart)."""
    return HEAT_MARGIN + 48 * max(1, len({c.persona_key for c in cells}))


def category_height(found: list[Category]) -> int:
    return max(120, 22 * len(found)) + 60


def picked_squares(event: Any) -> list[tuple[str, str]]:
    """``(persona_key, arc_key)`` of the squares clicked, from ``st.altair_chart(..., on_select="rerun")``."""
    selection = getattr(event, "selection", None) or (event.get("selection") if isinstance(event, dict) else None)
    points = (selection or {}).get(HEAT_SELECTION) or []
    return [(p["persona_key"], p["arc_key"]) for p in points if "persona_key" in p and "arc_key" in p]


def spend_chart(points: list[SpendPoint], *, title: str) -> alt.Chart:
    """Stacked bars of spend per day, one colour per group."""
    frame = pd.DataFrame([p.model_dump() for p in points])
    frame["day"] = pd.to_datetime(frame["day"])
    return (
        alt.Chart(frame, height=260)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title="Day", axis=alt.Axis(format="%-d %b", labelAngle=0)),
            y=alt.Y("sum(cost_usd):Q", title="Spend (USD)", axis=alt.Axis(format="$.2f")),
            color=alt.Color("group:N", title=title, legend=LEGEND),
            tooltip=[
                alt.Tooltip("yearmonthdate(day):T", title="Day"),
                alt.Tooltip("group:N", title=title),
                alt.Tooltip("cost_usd:Q", title="Spend", format="$.4f"),
                alt.Tooltip("calls:Q", title="Calls"),
            ],
        )
    )


def intensity_band_chart(chart: IntensityChart, *, height: int = 240) -> alt.LayerChart | alt.FacetChart:
    """The arc's planned range as a shaded band, the conversation's intensity as a line over it."""
    band_name = f"Planned range: {chart.arc_name}" if chart.arc_name else "Planned range"
    line_name = "This conversation"
    series = alt.Scale(domain=[band_name, line_name], range=["#9ecae9", "#d62728"])
    x = alt.X("turn:Q", title="Turn", axis=alt.Axis(tickMinStep=1, format="d"))
    y_scale = alt.Scale(domain=[0, 1])
    layers: list[alt.Chart] = []
    if chart.band:
        band = pd.DataFrame([p.model_dump() | {"series": band_name} for p in chart.band])
        layers.append(
            alt.Chart(band)
            .mark_area(opacity=0.45)
            .encode(
                x=x,
                y=alt.Y("low:Q", title="Intensity (0–1)", scale=y_scale),
                y2="high:Q",
                color=alt.Color("series:N", scale=series, title=None, legend=LEGEND),
                tooltip=[alt.Tooltip("turn:Q"), alt.Tooltip("low:Q", title="from"), alt.Tooltip("high:Q", title="to")],
            )
        )
    line = pd.DataFrame([p.model_dump() | {"series": line_name} for p in chart.line])
    layers.append(
        alt.Chart(line)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("intensity:Q", title="Intensity (0–1)", scale=y_scale),
            color=alt.Color("series:N", scale=series, title=None, legend=LEGEND),
            tooltip=[alt.Tooltip("turn:Q"), alt.Tooltip("intensity:Q")],
        )
    )
    return alt.layer(*layers).properties(height=height)


def conversation_intensity_chart(detail: ConversationDetail) -> alt.LayerChart | alt.FacetChart | None:
    """The Conversation page's arc chart for one conversation (``None`` when no turn has an intensity):
    ``st.altair_chart(chart, width="stretch", height=300)`` (the default height collapses layered charts)."""
    bands = detail.bands
    chart = intensity_chart(
        [(t.turn_number, t.intensity) for t in detail.turns],
        arc_name=bands.arc_name if bands else None,
        start=(bands.start_min, bands.start_max) if bands else None,
        end=(bands.end_min, bands.end_max) if bands else None,
    )
    return intensity_band_chart(chart) if chart.line else None
