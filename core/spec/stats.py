"""Statistics of a section (features, lines, complexity), its overview, and what it delivers.

Complexity follows the earlier 04f v4 rule, with prompt counts kept as text ("2-3") rather than the
accidental arithmetic of the archived script.
"""

from __future__ import annotations

import re

from core.spec.fences import trusted_text_lines
from core.spec.models import Complexity, Deliverables, SectionStats
from core.spec.parse import normalize_text

FEATURE_HEADING = re.compile(r"^#### (FR-\d+\.\d+):[ \t]*(.*?)[ \t]*$")
OVERVIEW_HEADING = re.compile(r"^### Overview\b")
HEADING_UP_TO_3 = re.compile(r"^#{1,3} ")
CREATE_TABLE = re.compile(
    r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:[\"`]?\w+[\"`]?\.)?[\"`]?\w+[\"`]?)", re.IGNORECASE
)
METHOD_ROUTE = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\s+`?(/[\w\-/\[\]{}:.]*)")
API_ROUTE = re.compile(r"(?<![\w/.])(/api/[\w\-/\[\]{}:.]*[\w\]}])")
FILE_PATH = re.compile(
    r"(?<![\w/.:@-])((?:[\w.()\[\]-]+/)+[\w.\[\]-]+\."
    r"(?:tsx|ts|jsx|js|mjs|py|sql|json|ya?ml|toml|css|scss|html|md|sh))(?![\w/])"
)
NEXT_ROUTE_FILE = re.compile(r"(?:^|/)app/(.+)/route\.(?:ts|js)$")
# A UI component is a PascalCase name (a capital, then at least one lower-case letter: never a constant such as
# HYPERPARAMETER_PRESETS) exported as a function, a class, or a const holding a function or a wrapped one.
PASCAL = r"([A-Z](?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]*)(?![\w$])"
EXPORTED_COMPONENT = re.compile(
    r"\bexport\s+(?:default\s+)?(?:"
    rf"(?:async\s+)?function\s*\*?\s*{PASCAL}"
    rf"|class\s+{PASCAL}"
    rf"|const\s+{PASCAL}\s*(?::[^=\n]+)?=\s*(?:async\s*)?(?:\(|function\b|React\.|forwardRef|memo|styled|<|[a-z]\w*\s*=>)"
    r")"
)

# (max lines, max features) -> (complexity, hours, expected prompts); the first row whose
# line OR feature limit holds wins, as in the earlier script.
COMPLEXITY_RULES: list[tuple[int, int, Complexity, str, str]] = [
    (200, 2, Complexity.LOW, "3-5", "1"),
    (500, 4, Complexity.MEDIUM, "8-16", "2-3"),
    (1000, 6, Complexity.HIGH, "16-32", "3-5"),
]
CRITICAL = (Complexity.CRITICAL, "32+", "5-8")


def _text_lines(text: str) -> list[str]:
    lines = normalize_text(text).split("\n")
    return [line for line, trusted in zip(lines, trusted_text_lines(lines), strict=True) if trusted]


def feature_headings(text: str) -> list[str]:
    """``FR-N.M: Title`` for every ``#### FR-N.M:`` heading outside properly closed code blocks."""
    found = []
    for line in _text_lines(text):
        match = FEATURE_HEADING.match(line)
        if match:
            code, title = match.groups()
            found.append(f"{code}: {title}" if title else code)
    return found


def classify(line_count: int, feature_count: int) -> tuple[Complexity, str, str]:
    """Complexity, estimated hours and expected prompt count for a section of this size."""
    for max_lines, max_features, level, hours, prompts in COMPLEXITY_RULES:
        if line_count < max_lines or feature_count <= max_features:
            return level, hours, prompts
    return CRITICAL


def section_stats(text: str) -> SectionStats:
    """Feature count, line count (heading included) and complexity of a section's text."""
    features = len(feature_headings(text))
    lines = len(normalize_text(text).rstrip("\n").split("\n"))
    level, hours, prompts = classify(lines, features)
    return SectionStats(
        feature_count=features, line_count=lines, complexity=level, hours=hours, expected_prompts=prompts
    )


def extract_overview(text: str) -> str:
    """Text under the first ``### Overview…`` heading, up to the next heading of level 1-3 ('' if none)."""
    lines = normalize_text(text).split("\n")
    collected: list[str] | None = None
    for line, trusted in zip(lines, trusted_text_lines(lines), strict=True):
        if collected is None:
            if trusted and OVERVIEW_HEADING.match(line):
                collected = []
            continue
        if trusted and HEADING_UP_TO_3.match(line):
            break
        collected.append(line)
    return "\n".join(collected or []).strip()


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def extract_deliverables(text: str) -> Deliverables:
    """Feature titles, tables, routes, components and files a section names (code blocks included)."""
    text = normalize_text(text)
    tables = [re.sub(r"[\"`]", "", m).removeprefix("public.") for m in CREATE_TABLE.findall(text)]
    files = _unique(FILE_PATH.findall(text))
    routes = [f"{method} {path}" for method, path in METHOD_ROUTE.findall(text)]
    with_method = {route.split(" ", 1)[1] for route in routes}
    without_files = FILE_PATH.sub(" ", text)  # '/api/x' inside 'app/api/x/route.ts' is a file, not a route
    routes += [path for path in API_ROUTE.findall(without_files) if path not in with_method]
    for path in files:
        match = NEXT_ROUTE_FILE.search(path)
        if match:
            segments = [s for s in match.group(1).split("/") if not (s.startswith("(") and s.endswith(")"))]
            route = "/" + "/".join(segments)
            if route not in with_method:
                routes.append(route)
    components = [
        path.rsplit("/", 1)[1].rsplit(".", 1)[0]
        for path in files
        if "components/" in path and path.endswith((".tsx", ".jsx"))
    ]
    components += [name for match in EXPORTED_COMPONENT.findall(text) for name in match if name]
    return Deliverables(
        features=feature_headings(text),
        tables=_unique(tables),
        routes=_unique(routes),
        components=_unique(components),
        files=files,
    )
