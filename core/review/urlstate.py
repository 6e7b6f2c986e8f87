"""The review grid's filters, sort and page as URL query parameters, and back.

Every place has an address: ``/review?status=pending_review&sort=quality_score&page=3`` opens the same
grid after a reload or on a colleague's screen, and the conversation page carries the same parameters
so Previous / Next / "Next pending" walk the same set in the same order. Only values that differ from
the defaults are written; a value that does not parse is ignored rather than breaking the page.
"""

from __future__ import annotations

from collections.abc import Mapping

import pydantic

from core.review.queries import SORT_COLUMNS, GridFilters, GridQuery

LISTS = {
    "status": "review_status",
    "enrichment": "enrichment_status",
    "tier": "tier",
    "persona": "persona_key",
    "arc": "emotional_arc_key",
    "topic": "topic_key",
}
#: Every parameter name this module reads or writes (pages keep other parameters, e.g. ``id``).
PARAMS = (*LISTS, "q", "qmin", "qmax", "sort", "desc", "page", "size")


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def query_from_params(params: Mapping[str, str]) -> GridQuery:
    """The grid query the URL describes (defaults for anything missing or invalid)."""
    default = GridQuery()
    values: dict[str, object] = {
        field: [v for v in params.get(name, "").split(",") if v] for name, field in LISTS.items()
    }
    values["text"] = params.get("q", "")
    values["quality_min"], values["quality_max"] = _float(params.get("qmin")), _float(params.get("qmax"))
    try:
        filters = GridFilters.model_validate(values)
    except pydantic.ValidationError:
        filters = GridFilters(text=str(values["text"]))
    sort = params.get("sort", default.sort_by)
    try:
        return GridQuery(
            filters=filters,
            sort_by=sort if sort in SORT_COLUMNS else default.sort_by,  # type: ignore[arg-type]
            descending=params.get("desc", "1" if default.descending else "0") != "0",
            page=max(1, _int(params.get("page"), 1)),
            page_size=_int(params.get("size"), default.page_size),
        )
    except pydantic.ValidationError:
        return GridQuery(filters=filters)


def query_to_params(query: GridQuery) -> dict[str, str]:
    """The URL parameters of ``query`` (defaults left out, so a plain grid has a plain URL)."""
    default = GridQuery()
    params: dict[str, str] = {}
    for name, field in LISTS.items():
        if chosen := getattr(query.filters, field):
            params[name] = ",".join(chosen)
    if query.filters.text:
        params["q"] = query.filters.text
    if query.filters.quality_min is not None:
        params["qmin"] = f"{query.filters.quality_min:g}"
    if query.filters.quality_max is not None:
        params["qmax"] = f"{query.filters.quality_max:g}"
    if query.sort_by != default.sort_by:
        params["sort"] = query.sort_by
    if query.descending != default.descending:
        params["desc"] = "1" if query.descending else "0"
    if query.page != 1:
        params["page"] = str(query.page)
    if query.page_size != default.page_size:
        params["size"] = str(query.page_size)
    return params
