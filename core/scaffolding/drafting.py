"""Draft my clients, journeys and topics: Claude proposes a starter set from the project's description.

``plan`` renders the request (``templates/scaffolding/draft_*.md.j2``) from the project's name, the expert in
a few sentences and the field of work, and estimates its cost before anything is sent. ``draft`` makes the one
call through the call ledger (its row written before the call, 429/529/5xx retried, each try a row of its own,
so the spend appears on Costs under the project) and reads the answer into proposals, nothing saved.
``accept`` saves the items the expert kept (edited or not) in the current project, through the scaffolding
service. Every failure is a ``BrightRunError`` in plain words; an unreadable answer keeps its text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from core import prompts
from core.errors import LLMError, LLMOutputError, LLMUnavailableError, ValidationError
from core.llm.pricing import cost_usd, estimate_tokens
from core.llm.retry import backoff_s, is_transient
from core.llm.types import LLMUsage, MessageClient, MessageRequest, SystemBlock
from core.models.base import Record
from core.models.scaffolding import EmotionalArc, Persona, TrainingTopic
from core.models.statuses import Call
from core.scaffolding.draft_reply import DraftReply, StarterSet, read_starter_set
from core.scaffolding.service import KIND_INFO, Kind, ScaffoldingService

if TYPE_CHECKING:
    from core.calls import CallLedger
    from core.models.projects import Project
    from core.settings import Settings

SYSTEM_TEMPLATE = "scaffolding/draft_system.md.j2"
PROMPT_TEMPLATE = "scaffolding/draft_starter.md.j2"
PURPOSE = "draft_starter"
#: How many of each the request asks for.
COUNTS = {"clients": 4, "journeys": 3, "topics": 5}
#: Expected answer size per item (tokens), for the estimate before the call.
TOKENS_PER_ITEM = {"clients": 260, "journeys": 150, "topics": 150}
ANSWER_MAX_TOKENS = 8000
KINDS_OF: dict[type[Record], Kind] = {Persona: "personas", EmotionalArc: "arcs", TrainingTopic: "topics"}
KEY_ADVICE = "Check or replace the key on the Settings page, then try again."
KEY_ADVICE_TERMINAL = "Check or replace ANTHROPIC_API_KEY (environment or .streamlit/secrets.toml)."


class DraftPlan(BaseModel):
    """The request before it is sent: what Claude will read, with which model, and what it should cost."""

    system: str
    prompt: str
    model: str
    max_tokens: int
    input_tokens: int
    output_tokens: int
    estimate_usd: float
    has_key: bool


@dataclass(frozen=True)
class Accepted:
    """What ``accept`` saved: the names, by kind."""

    clients: list[str]
    journeys: list[str]
    topics: list[str]

    def summary(self) -> str:
        parts = [
            _count(len(self.clients), "client", "clients"),
            _count(len(self.journeys), "emotional journey", "emotional journeys"),
            _count(len(self.topics), "topic", "topics"),
        ]
        shown = [p for p in parts if p]
        if not shown:
            return "Nothing was added."
        listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        return f"Added {listed}."


def _count(n: int, one: str, many: str) -> str:
    return "" if n == 0 else f"1 {one}" if n == 1 else f"{n} {many}"


class DraftingService:
    """Drafts a starter set for the project these services work in."""

    def __init__(
        self,
        scaffolding: ScaffoldingService,
        ledger: Callable[[], CallLedger],
        settings: Settings,
        *,
        llm: Callable[[], MessageClient],
        project: Callable[[], Project],
    ) -> None:
        self.scaffolding = scaffolding
        self._ledger = ledger
        self.settings = settings
        self._llm = llm
        self._project = project
        self.retry_delay: Callable[[int, float | None], float] = backoff_s

    # -- before the call ------------------------------------------------------------------------
    def plan(self, *, name: str | None = None, description: str | None = None, domain: str | None = None) -> DraftPlan:
        """The request for this project (or for the words given, as typed on a form not yet saved), its
        estimated cost, and whether a key is there to send it."""
        project = self._project()
        context = {
            "project_name": " ".join((name if name is not None else project.name).split()),
            "description": (description if description is not None else project.description).strip(),
            "domain": " ".join((domain if domain is not None else project.domain).split()),
            **COUNTS,
        }
        if not context["project_name"]:
            raise ValidationError("Give the project a name first.", hint="For example “Career coaching”.")
        system = prompts.render_builtin(SYSTEM_TEMPLATE, {}).strip()
        prompt = prompts.render_builtin(PROMPT_TEMPLATE, context).strip()
        model = self.settings.model
        tokens_in = estimate_tokens(system + prompt) + 400  # the answer's schema travels with the request
        tokens_out = sum(COUNTS[k] * TOKENS_PER_ITEM[k] for k in COUNTS) + 100
        usage = LLMUsage(input_tokens=tokens_in, output_tokens=tokens_out)
        return DraftPlan(
            system=system,
            prompt=prompt,
            model=model,
            max_tokens=min(ANSWER_MAX_TOKENS, self.settings.max_tokens),
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            estimate_usd=cost_usd(model, usage, self.settings.prices_per_mtok),
            has_key=self.settings.has_claude_key,
        )

    # -- the call ---------------------------------------------------------------------------------
    def draft(self, plan: DraftPlan) -> StarterSet:
        """Ask Claude for the starter set of ``plan``: proposals, nothing saved. An answer cut off midway gives
        the items that were complete (``cut_off``); an answer with nothing usable raises ``LLMOutputError``
        keeping its text."""
        from core.llm.claude import strict_json_schema  # the SDK's schema transform, loaded only to call

        request = MessageRequest(
            model=plan.model,
            max_tokens=plan.max_tokens,
            system=[SystemBlock(text=plan.system)],
            messages=[{"role": "user", "content": plan.prompt}],
            output_schema=strict_json_schema(DraftReply),
        )
        ledger = self._ledger()
        try:
            client = self._llm()
            reply, entry = ledger.call(
                client,
                request,
                conversation_id=None,
                purpose=PURPOSE,
                attempt=0,
                estimate_cost=plan.estimate_usd,
                max_retries=self.settings.max_retries,
                retry_delay=self.retry_delay,
            )
        except LLMError as err:
            raise _in_page_words(err) from None
        cost = cost_usd(reply.model or plan.model, reply.usage, self.settings.prices_per_mtok)
        found = read_starter_set(reply.text, self._taken())
        found = found.model_copy(
            update={"cost_usd": cost, "model": reply.model or plan.model, "cut_off": reply.stop_reason == "max_tokens"}
        )
        problem = None if found.count else _unusable(reply.stop_reason)
        ledger.complete(
            entry,
            reply=reply,
            status=Call.FAILED if problem else Call.SUCCESS,
            cost=cost,
            error_message=problem,
            response_payload=reply.summary() | {"text": reply.text},
        )
        if problem:
            raise LLMOutputError(
                problem,
                raw_text=reply.text,
                hint="Nothing was saved, and what you typed is kept. Try again; the forms below work without Claude.",
            )
        return found

    def _taken(self) -> dict[str, set[str]]:
        kinds: dict[str, Kind] = {"clients": "personas", "journeys": "arcs", "topics": "topics"}
        return {
            name: {r.key for r in self.scaffolding.list(kind, include_deleted=True)} for name, kind in kinds.items()
        }

    # -- after the call ---------------------------------------------------------------------------
    def revise(self, record: Record, values: dict[str, Any]) -> Record:
        """A proposal as the expert edited it (checked, not saved): ``ValidationError`` in plain words."""
        kind = KINDS_OF[type(record)]
        merged = record.model_dump() | values | {"id": record.id}
        return self.scaffolding.validate(kind, self.scaffolding.with_key(kind, merged))

    def accept(self, kept: Sequence[Record]) -> Accepted:
        """Save the kept proposals in the current project. Each gets a key made from its name that no record of
        the project uses yet. Every item is checked before the first is saved."""
        items = [(KINDS_OF[type(r)], _fresh(r)) for r in kept]
        for kind, data in items:
            self.scaffolding.validate(kind, self.scaffolding.with_key(kind, data))
        names: dict[Kind, list[str]] = {"personas": [], "arcs": [], "topics": []}
        for kind, data in items:
            saved = self.scaffolding.save(kind, data)
            names[kind].append(saved.name)
        return Accepted(clients=names["personas"], journeys=names["arcs"], topics=names["topics"])


def _fresh(record: Record) -> dict[str, Any]:
    """A proposal as a new record's data: a fresh id, and the key left to be made from the name when saved."""
    data = record.model_dump(exclude={"id", "created_at", "updated_at", "created_by", "project_id", "deleted_at"})
    data[KIND_INFO[KINDS_OF[type(record)]].key_field] = ""
    return data


def _unusable(stop_reason: str | None) -> str:
    if stop_reason == "max_tokens":
        return "Claude's answer was cut off before a single client, emotional journey or topic was complete."
    return "Claude's answer could not be read as clients, emotional journeys and topics."


def _in_page_words(err: LLMError) -> LLMError:
    """The adapter's error with advice for this step: a key problem points to Settings; a busy or failing
    Claude says that nothing is lost."""
    if err.code in ("auth", "missing_api_key"):
        message = (
            "No Claude key is set yet, so nothing was drafted."
            if err.code == "missing_api_key"
            else "Claude refused the key, so nothing was drafted."
        )
        return LLMUnavailableError(
            message, hint=KEY_ADVICE, terminal_hint=KEY_ADVICE_TERMINAL, code=err.code, status_code=err.status_code
        )
    advice = "Nothing was saved, and what you typed is kept."
    hint = f"{advice} Try again in a minute." if is_transient(err) else f"{advice} {err.hint or 'Try again.'}"
    kind = LLMUnavailableError if isinstance(err, LLMUnavailableError) else LLMError
    return kind(err.message, hint=hint, code=err.code, status_code=err.status_code, retry_after=err.retry_after)
