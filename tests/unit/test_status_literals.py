"""Status values are written by name (``Review.APPROVED``), never as string literals, outside core/models/statuses/.

The scanner reads every string constant of every module in ``core/``, ``pages/`` and ``app.py`` (docstrings
and the field name given to ``status_label``/``status_text``/``status_badge`` aside) and reports each one
that is a value of a status vocabulary (``statuses.VOCABULARIES``), unless this file allows it below, with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from core.models import statuses
from core.models.statuses import VOCABULARIES

ROOT = Path(__file__).resolve().parents[2]
STATUS_VALUES = frozenset(value for values in VOCABULARIES.values() for value in values)
#: Where status strings are meant to be: the vocabularies and the frozen migrations.
EXEMPT = (
    "core/models/statuses/",
    "core/storage/migrations/",
)
LABEL_CALLS = {"status_label", "status_text", "status_badge"}

#: (module, string) pairs that are not statuses, each with why.
ALLOWED: dict[tuple[str, str], str] = {
    # review decisions are verbs named like the status they lead to; the history's action names too
    ("core/review/transitions.py", "needs_revision"): "the decision key 'needs_revision'",
    ("core/review/transitions.py", "approved"): "history action 'approved' and the phrase 'approved'",
    ("core/review/transitions.py", "rejected"): "history action 'rejected' and the phrase 'rejected'",
    ("core/review/transitions.py", "archived"): "history action 'archived' and the phrase 'archived'",
    ("core/models/review.py", "approved"): "ReviewActionKind, the history's action names",
    ("core/models/review.py", "rejected"): "ReviewActionKind, the history's action names",
    ("core/models/review.py", "archived"): "ReviewActionKind, the history's action names",
    ("core/cli/review.py", "needs_revision"): "the decision `review revise` makes",
    ("core/demo/reviews.py", "needs_revision"): "a Decision in the demo's review plan",
    ("pages/_review_grid.py", "needs_revision"): "the decision of the bulk 'Needs another pass' button",
    ("pages/_review_panel.py", "needs_revision"): "the decision key of the 'Needs another pass' button",
    ("pages/_review_widgets.py", "needs_revision"): "the decision key of a past-tense word",
    ("pages/_review_widgets.py", "approved"): "the words shown after a decision ('approved')",
    ("pages/_review_widgets.py", "rejected"): "the words shown after a decision ('rejected')",
    ("pages/_review_widgets.py", "archived"): "the words shown after a decision ('archived')",
    ("pages/_enrich_widgets.py", "enriched"): "the words shown after a run ('the last one enriched')",
    ("pages/_enrich_widgets.py", "failed"): "the words shown after a run ('the last one failed')",
    # file kinds: which shape an imported or downloaded file has
    ("core/importer/formats.py", "enriched"): "the import format 'an enriched conversation file'",
    ("core/importer/precedence.py", "enriched"): "the import format's rank",
    ("core/importer/service.py", "enriched"): "the import format",
    ("core/review/service.py", "enriched"): "the kind of JSON file to download",
    ("pages/_review_panel.py", "enriched"): "the kind of JSON file to download",
    ("core/enrichment/fetch.py", "parsed"): "which file enrichment read: the parsed one or the raw reply",
    # "skipped": what an import or a scaffolding transfer did with one record, or a check not run
    ("core/importer/result.py", "skipped"): "Action, what the import did with one file",
    ("core/importer/service.py", "skipped"): "Action, what the import did with one file",
    ("core/cli/data_cmds.py", "skipped"): "an import Action",
    ("core/cli/projects.py", "skipped"): "`project draft --json`: how many proposals could not be used",
    ("core/scaffolding/transfer.py", "skipped"): "what a scaffolding import did with one record",
    ("pages/_scaffolding_widgets.py", "skipped"): "what a scaffolding import did with one record",
    ("core/export/validate.py", "skipped"): "a check that was not run ('skipped: ...')",
    # Claude's error codes and the SDK's names
    ("core/llm/claude/__init__.py", "succeeded"): "a Message Batches result type",
    ("core/llm/claude/__init__.py", "timeout"): "the SDK's option name",
    ("core/llm/claude/errors.py", "rate_limited"): "ClaudeError.code",
    ("core/llm/claude/errors.py", "timeout"): "ClaudeError.code",
    ("core/llm/claude/replies.py", "succeeded"): "a Message Batch's request count the SDK names 'succeeded'",
    ("core/llm/claude/replies.py", "processing"): "a Message Batch's request count the SDK names 'processing'",
    ("core/llm/retry.py", "rate_limited"): "ClaudeError.code",
    ("core/llm/retry.py", "timeout"): "ClaudeError.code",
    ("core/storage/database.py", "timeout"): "SQLite's connect argument",
    # TRL's preference format names its fields "chosen" and "rejected"
    ("core/export/dpo.py", "rejected"): "the DPO record's key 'rejected' (TRL's preference format)",
    # other words
    ("core/cli/scaffolding.py", "active"): "the column 'active' of `scaffolding list`",
    ("pages/home.py", "processing"): "the status_labels field of the writing column",
    ("core/models/status_labels.py", "processing"): "the field name of processing_status (StatusField)",
}


def _modules() -> list[Path]:
    found = [ROOT / "app.py", *(ROOT / "core").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    return [p for p in found if not p.relative_to(ROOT).as_posix().startswith(EXEMPT)]


def _skipped(tree: ast.AST) -> set[int]:
    """ids of constants that are docstrings or a status_labels field name."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in LABEL_CALLS:
                skip.add(id(node.args[0]))
    return skip


def status_literals(source: str, module: str) -> list[tuple[str, int, str]]:
    """``(module, line, value)`` of each status literal in ``source`` the allow-list does not allow."""
    tree = ast.parse(source)
    skip = _skipped(tree)
    return [
        (module, node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in STATUS_VALUES
        and id(node) not in skip
        and (module, node.value) not in ALLOWED
    ]


def test_no_raw_status_literal_in_core_or_pages() -> None:
    found = []
    for path in _modules():
        module = path.relative_to(ROOT).as_posix()
        found += status_literals(path.read_text(encoding="utf-8"), module)
    assert not found, "write these statuses by name (core.models.statuses):\n" + "\n".join(map(str, sorted(found)))


def test_every_allowance_is_still_needed() -> None:
    used = set()
    for path in _modules():
        module = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _skipped(tree)
        used |= {
            (module, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        }
    assert set(ALLOWED) <= used, sorted(set(ALLOWED) - used)


def test_the_scanner_finds_a_raw_status_and_passes_names_docstrings_and_label_fields() -> None:
    source = '''"""A docstring that says approved."""
from core.models.statuses import Review
def f(row, status_text):
    """Returns approved ones."""
    if row.review_status == "approved":
        return status_text("processing", Review.APPROVED)
    return {"status": "paused"}
'''
    assert status_literals(source, "core/x.py") == [("core/x.py", 5, "approved"), ("core/x.py", 7, "paused")]
    assert status_literals(source.replace('"approved"', "Review.APPROVED"), "core/x.py") == [("core/x.py", 7, "paused")]


def test_each_name_class_spells_exactly_its_vocabulary() -> None:
    classes = {
        statuses.Processing: statuses.ProcessingStatus,
        statuses.Enrichment: statuses.EnrichmentStatus,
        statuses.Review: statuses.ReviewStatus,
        statuses.Job: statuses.JobStatus,
        statuses.Item: statuses.ItemStatus,
        statuses.Tier: statuses.QualityTier,
        statuses.TrainingFileState: statuses.TrainingFileStatus,
        statuses.Call: statuses.CallStatus,
        statuses.SpecStep: statuses.SpecStepStatus,
        statuses.Stage: statuses.StageStatus,
        statuses.Outcome: statuses.OutcomeKind,
        statuses.ClaimFound: statuses.ClaimState,
    }
    for names, vocabulary in classes.items():
        values = [v for k, v in vars(names).items() if k.isupper()]
        assert sorted(values) == sorted(get_args(vocabulary)), names.__name__
