"""The Review page's table: one page of conversations in AgGrid (the design card's grid), with checkbox
selection kept as conversation ids across pages and sorts, and a click on a row opening the conversation.

The order is the server's (the "Sort by" choice, in the URL): the headers do not sort, so a click on one
never sorts only the rows of this page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from st_aggrid import AgGrid, DataReturnMode, JsCode

from core.review.grid import PRIMARY, SECONDARY, columns_shown, grid_records, merge_selection, positions, status_colours
from core.review.names import Names
from core.review.queries import GridPage
from pages._review_grid import selected, set_selected

OPEN_KEY = "review_open_id"
#: The grid's columns, sized by flex so the table fills the width.
FLEX = {"Conversation": 3.2, "Status": 1.5, "Quality": 0.7, "Enrichment": 1.3, "Date": 1.1, "Flag": 0.7, "Topic": 1.6}
#: Narrowest widths: every header reads whole (its label and the cell padding), and so do the status words
#: and the date. The default columns fit 1280 px; all columns chosen fit 1440 px (at 1280 the grid then
#: scrolls sideways rather than cut a column).
MIN_WIDTH = {
    "Conversation": 120,
    "Status": 160,
    "Quality": 68,
    "Enrichment": 96,
    "Date": 102,
    "Flag": 48,
    "Topic": 64,
    "Kind": 48,
    "Turns": 54,
    "Reviewed by": 80,
    "Reviewed on": 80,
}
#: Headers of two words that wrap onto two lines in a narrow column (the header is then taller).
WRAPPED = ("Reviewed by", "Reviewed on")
#: The grid's width beside the sidebar at 1280 px: chosen columns wider than this may scroll sideways.
NARROWEST_GRID, SCROLLBAR = 818, 16
SELECTION_WIDTH = 48
_STATUS_STYLE = JsCode("function(p) { return {color: p.data._colour, fontWeight: 600}; }")
_FLAG_STYLE = JsCode("function(p) { return p.value ? {color: '#b91c1c', fontWeight: 600} : null; }")
#: New rows in a mounted grid (another page or sort): tick the ones in the selection.
_TICK_ROWS = JsCode(
    "function(e) { const on = [], off = []; e.api.forEachNode(function(n) { (n.data._ticked ? on : off).push(n); });"
    " e.api.setNodesSelected({nodes: on, newValue: true}); e.api.setNodesSelected({nodes: off, newValue: false}); }"
)
_ROW_ID = JsCode("function(p) { return p.data._id; }")
ROW_HEIGHT, HEADER_HEIGHT, WRAPPED_HEADER_HEIGHT = 36, 40, 56


def grid_key(secondary: list[str] | None = None) -> str:
    """One grid per choice of columns: a new page changes its rows in place (no new frame to load)."""
    return f"review_grid_{abs(hash(tuple(secondary or ()))) % 10**10}"


def grid_options(shown: list[str], ticked: list[str]) -> dict[str, Any]:
    """Columns without header sorting (the order is the server's, chosen in "Sort by"), checkbox selection,
    rows known by conversation id and the selection on this page ticked from the start."""
    columns: list[dict[str, Any]] = [{"field": f, "hide": True} for f in ("_id", "_colour", "_ticked")]
    for name in shown:
        column: dict[str, Any] = {
            "field": name,
            "headerName": name,
            "flex": FLEX.get(name, 1.0),
            "minWidth": MIN_WIDTH.get(name, 56),
        }
        column["tooltipField"] = name  # the whole text on hover when a narrow column cuts it
        if name == "Status":
            column["cellStyle"] = _STATUS_STYLE
        if name == "Flag":
            column["cellStyle"] = _FLAG_STYLE
            column["headerTooltip"] = "Cut off: the reply was truncated."
        if name == "Conversation":
            column["cellStyle"] = {"cursor": "pointer", "fontWeight": 500}
        if name in WRAPPED:
            column["wrapHeaderText"] = True
        columns.append(column)
    return {
        "columnDefs": columns,
        "defaultColDef": {"sortable": False, "resizable": True, "filter": False, "suppressMovable": True},
        "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True, "enableClickSelection": False},
        "selectionColumnDef": {"width": SELECTION_WIDTH, "maxWidth": SELECTION_WIDTH, "pinned": None},
        "getRowId": _ROW_ID,
        "initialState": {"rowSelection": ticked},
        "onRowDataUpdated": _TICK_ROWS,
        "rowHeight": ROW_HEIGHT,
        "headerHeight": header_height(shown),
        "ensureDomOrder": True,
        "suppressCellFocus": True,
        "tooltipShowDelay": 300,
    }


def header_height(shown: list[str]) -> int:
    return WRAPPED_HEADER_HEIGHT if any(name in WRAPPED for name in shown) else HEADER_HEIGHT


def grid_height(shown: list[str], rows: int) -> int:
    """The frame's height: the header, every row, and a sideways scrollbar when the columns may not fit."""
    narrowest = SELECTION_WIDTH + sum(MIN_WIDTH.get(name, 56) for name in shown)
    return header_height(shown) + ROW_HEIGHT * rows + 4 + (SCROLLBAR if narrowest > NARROWEST_GRID else 0)


def _on_grid_event(page_ids: list[str]) -> Any:
    """Fold a grid event into the session: ticked rows into the selection (ids, other pages kept), a click on
    a row's cell (not its checkbox) into the conversation to open."""

    def handle(response: Any) -> None:
        raw = getattr(response, "grid_response", None) or getattr(response, "raw_data", None) or {}
        if not isinstance(raw, dict):
            return
        event = raw.get("eventData") or {}
        kind = raw.get("streamlitRerunEventTriggerName") or event.get("type")
        if kind == "cellClicked":
            column = str((event.get("colDef") or {}).get("field") or "")
            row = event.get("data") or {}
            if column in (*PRIMARY, *SECONDARY) and row.get("_id") in page_ids:
                st.session_state[OPEN_KEY] = row["_id"]
            return
        state = raw.get("gridState") or {}
        ticked = state.get("rowSelection")
        if isinstance(ticked, list):
            set_selected(merge_selection(selected(), page_ids, positions(page_ids, ticked)))

    return handle


def opened() -> str | None:
    """The conversation whose row was clicked, once."""
    found = st.session_state.pop(OPEN_KEY, None)
    return str(found) if found else None


def show_grid(page: GridPage, names: Names, secondary: list[str]) -> None:
    """The table (AgGrid), with the selection (kept as ids across pages and sorts) ticked."""
    shown = columns_shown(secondary)
    frame = pd.DataFrame(grid_records(page, names))[shown]
    frame["Quality"] = ["—" if v is None or pd.isna(v) else f"{float(v):.1f}" for v in frame["Quality"]]
    frame.insert(0, "_id", page.ids)
    frame.insert(1, "_colour", status_colours(page))
    frame.insert(2, "_ticked", [i in set(selected()) for i in page.ids])
    key = grid_key(secondary)
    AgGrid(
        frame,
        gridOptions=grid_options(shown, positions_ids(page.ids, selected())),
        height=grid_height(shown, len(page.ids)),
        key=key,
        data_return_mode=DataReturnMode.MINIMAL,
        allow_unsafe_jscode=True,
        update_on=["selectionChanged", "cellClicked"],
        callback=_on_grid_event(list(page.ids)),
        show_toolbar=False,
    )


def positions_ids(page_ids: list[str], chosen: list[str]) -> list[str]:
    """The selected ids that are on this page, in page order."""
    return [page_ids[i] for i in positions(page_ids, chosen)]
