"""Each section's execution prompts, written by Claude from its meta-prompt and section file.

Planning needs no key and spends nothing: it checks the input (an unknown section, a missing
meta-prompt, an empty section, a prompt too large for the model's context are SpecErrors) and prices
every call. Running checks the budget against the estimate before the first call, then again before
each call against what was actually spent.

The sections share one context, the integrated spec, sent as a cached system block so every section
after the first reads it from the cache. Sections run in order by default, each prompt carrying the
execution prompts of the sections before it; concurrently when the user chooses (then no section sees
another's prompts); or as one Message Batches request (half price, concurrent).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from pydantic import BaseModel

from core.errors import LLMError, SpecError
from core.spec.claude_calls import EXECUTE_MAX_TOKENS, CallContext, CallOutcome, PlannedCall, plan_call, run_call
from core.spec.integrate import estimate_chars
from core.spec.models import SectionFile, execution_prompts_name, meta_prompt_path
from core.spec.section_files import read_section_files

Mode = Literal["online", "message_batches"]
EXECUTE_SYSTEM = (
    "You write execution prompts for a coding agent, one build section at a time, following the meta-prompt "
    "you are given. Answer with the execution-prompts file only, as Markdown, in full. The integrated "
    "specification below is the shared context for every section.\n\n# Integrated specification\n\n"
)
EARLIER_HEADING = "## Execution prompts of earlier sections"


class SectionJob(BaseModel):
    """One section's inputs for its execution prompts."""

    section: SectionFile
    file_text: str
    meta_prompt: str

    @property
    def code(self) -> str:
        return self.section.code

    @property
    def output_name(self) -> str:
        return execution_prompts_name(self.section.abbrev, self.section.code)


def section_jobs(files: Mapping[str, str], codes: list[str] | None = None) -> list[SectionJob]:
    """The sections to write prompts for (all, or ``codes``), each with its meta-prompt. Bad input is a
    SpecError before any call: an unknown code, a missing meta-prompt, an empty section."""
    sections = read_section_files({k: v for k, v in files.items() if "/" not in k})
    known = {s.code: s for s in sections}
    if codes:
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise SpecError(
                f"No section {', '.join(unknown)} here.", hint=f"The sections are: {', '.join(known) or 'none'}."
            )
        sections = [known[c] for c in codes]
    jobs = []
    for section in sections:
        body = section.text.partition("\n")[2].strip()
        if not body:
            raise SpecError(
                f"Section {section.code} ({section.title}) is empty: there is nothing to write prompts for.",
                hint="Fill the section in the integrated spec and split again. Nothing was sent.",
            )
        meta = files.get(meta_prompt_path(section.abbrev, section.code))
        if not meta:
            raise SpecError(
                f"Section {section.code} has no meta-prompt yet.",
                hint="Write the meta-prompts first (step 4).",
                terminal_hint="Write the meta-prompts first: python -m core spec meta-prompts",
            )
        jobs.append(SectionJob(section=section, file_text=files[section.file_name], meta_prompt=meta))
    return jobs


def shared_context(files: Mapping[str, str], integrated: str | None) -> str:
    """The integrated spec, or (from a folder of section files alone) every section's text in order."""
    if integrated and integrated.strip():
        return integrated.strip()
    return "\n\n".join(s.text for s in read_section_files({k: v for k, v in files.items() if "/" not in k}))


def execution_user_prompt(job: SectionJob, earlier: Mapping[str, str]) -> str:
    """The meta-prompt, the section file, and (in order mode) the earlier sections' execution prompts."""
    parts = [job.meta_prompt.strip(), "---", f"## Section file: {job.section.file_name}", job.file_text.strip()]
    if earlier:
        parts += ["---", EARLIER_HEADING]
        for code, text in earlier.items():
            parts += [f"### Execution prompts of {code}", text.strip()]
    return "\n\n".join(parts) + "\n"


def plan_execution(
    job: SectionJob,
    context: str,
    ctx: CallContext,
    model: str,
    earlier: Mapping[str, str],
    *,
    cache_read: bool,
    batch: bool = False,
) -> PlannedCall:
    user = execution_user_prompt(job, earlier)
    return plan_call(
        job.code,
        f"Execution prompts {job.code}",
        model=model,
        user=user,
        system=EXECUTE_SYSTEM + context,
        cache_system=True,
        expected_output=2 * estimate_chars(job.file_text) + 1_500,
        max_tokens=EXECUTE_MAX_TOKENS,
        settings=ctx.settings,
        cache_read=cache_read,
        batch=batch,
    )


class ExecutionEstimate(BaseModel):
    calls: list[PlannedCall]
    total_usd: float


def estimate_execution(
    jobs: list[SectionJob],
    files: Mapping[str, str],
    context: str,
    ctx: CallContext,
    model: str,
    *,
    ordered: bool,
    mode: Mode = "online",
) -> ExecutionEstimate:
    """Every section's planned call. In order, each counts the earlier sections' prompts as input: the
    files that exist, or a placeholder as long as the estimated output of a section not yet written."""
    calls: list[PlannedCall] = []
    texts = existing_prompts(files)
    for position, job in enumerate(jobs):
        before = earlier_prompts(job, files, texts) if ordered else {}
        planned = plan_execution(job, context, ctx, model, before, cache_read=position > 0, batch=mode != "online")
        calls.append(planned)
        texts.setdefault(job.code, "x" * (4 * planned.estimated_output_tokens))
    return ExecutionEstimate(calls=calls, total_usd=round(sum(c.estimate_usd for c in calls), 6))


def check_budget(estimate_usd: float, budget: float | None, spent: float = 0.0) -> None:
    """SpecError when spending ``estimate_usd`` more would pass ``budget``."""
    if budget is not None and spent + estimate_usd > budget + 1e-9:
        raise SpecError(
            f"The budget of ${budget:.2f} would be passed: ${spent:.4f} spent so far, the next call(s) are "
            f"estimated at ${estimate_usd:.4f}.",
            hint="Raise the budget, or run fewer sections at a time.",
            terminal_hint="Raise --budget, or run fewer sections at a time.",
        )


OnDone = Callable[[SectionJob, CallOutcome], None]


def run_execution(
    jobs: list[SectionJob],
    files: Mapping[str, str],
    context: str,
    ctx: CallContext,
    model: str,
    *,
    ordered: bool,
    mode: Mode = "online",
    budget: float | None = None,
    on_done: OnDone | None = None,
    workers: int = 4,
    poll_s: float = 10.0,
) -> list[CallOutcome]:
    """Write every job's execution prompts; ``on_done`` is called as each section finishes (save it there).

    Stops before a call that would pass ``budget`` (the outcome says so); a failed section stops an
    ordered run, since the sections after it would be written without it.
    """
    estimate = estimate_execution(jobs, files, context, ctx, model, ordered=ordered, mode=mode)
    check_budget(estimate.total_usd, budget)
    if mode == "message_batches":
        return _run_batch(jobs, estimate.calls, ctx, on_done, poll_s)
    if not ordered:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
            futures = [
                pool.submit(_one, ctx, job, call, on_done) for job, call in zip(jobs, estimate.calls, strict=True)
            ]
            return [future.result() for future in futures]
    outcomes: list[CallOutcome] = []
    texts = existing_prompts(files)
    spent = 0.0
    for position, job in enumerate(jobs):
        planned = plan_execution(job, context, ctx, model, earlier_prompts(job, files, texts), cache_read=position > 0)
        try:
            check_budget(planned.estimate_usd, budget, spent)
        except SpecError as err:
            outcomes += [CallOutcome(key=j.code, error=err.message) for j in jobs[position:]]
            break
        outcome = _one(ctx, job, planned, on_done)
        outcomes.append(outcome)
        spent += outcome.cost_usd
        if not outcome.ok:
            reason = f"Not run: section {job.code} failed, and this section builds on it."
            outcomes += [CallOutcome(key=j.code, error=reason) for j in jobs[position + 1 :]]
            break
        texts[job.code] = outcome.text or ""
    return outcomes


def existing_prompts(files: Mapping[str, str]) -> dict[str, str]:
    """Section code -> execution prompts already written among ``files``."""
    sections = read_section_files({k: v for k, v in files.items() if "/" not in k})
    return {s.code: files[name] for s in sections if (name := execution_prompts_name(s.abbrev, s.code)) in files}


def earlier_prompts(job: SectionJob, files: Mapping[str, str], texts: Mapping[str, str]) -> dict[str, str]:
    """Execution prompts of every section before ``job`` (in build order) that has them in ``texts``."""
    sections = read_section_files({k: v for k, v in files.items() if "/" not in k})
    order = [s.code for s in sections]
    before = order[: order.index(job.code)]
    return {code: texts[code] for code in before if texts.get(code)}


def _one(ctx: CallContext, job: SectionJob, planned: PlannedCall, on_done: OnDone | None) -> CallOutcome:
    outcome = run_call(ctx, planned, "spec_execution_prompts")
    if on_done is not None:
        on_done(job, outcome)
    return outcome


def _run_batch(
    jobs: list[SectionJob],
    calls: list[PlannedCall],
    ctx: CallContext,
    on_done: OnDone | None,
    poll_s: float,
) -> list[CallOutcome]:
    """One Message Batches request for every section; replies cut off are continued online."""
    client = ctx.client()
    try:
        info = client.create_message_batch([(c.key, c.request) for c in calls])
        while not info.ended:
            time.sleep(poll_s)
            info = client.retrieve_message_batch(info.id)
        results = {r.custom_id: r for r in client.message_batch_results(info.id)}
    except LLMError as err:
        raise SpecError(f"The Message Batches request failed: {err.message}", hint=err.hint) from err
    outcomes = []
    for job, planned in zip(jobs, calls, strict=True):
        result = results.get(job.code)
        if result is None or result.reply is None:
            why = (result.error_message or result.result_type) if result else "no result"
            outcome = CallOutcome(key=job.code, error=f"The batch returned no answer for {job.code} ({why}).")
        else:
            outcome = run_call(ctx, planned, "spec_execution_prompts", first=result.reply)
        if on_done is not None:
            on_done(job, outcome)
        outcomes.append(outcome)
    return outcomes
