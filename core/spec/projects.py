"""Spec projects: the guided pipeline (merge inputs → integrated spec → sections with INDEX →
meta-prompts → execution prompts), saved in storage after every step so closing the browser loses nothing.

Each step reads the outputs of the step before it and replaces only its own outputs; re-running one
step leaves the others' files as they are (a step made from an older upstream output is shown as out
of date, not changed). The Claude steps go through :mod:`core.spec.claude_calls` (logs, failures,
continuation); without a key their planned call still gives the exact prompt and the estimate, and the
answer written elsewhere can be pasted in instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from core.calls import CallLedger
from core.errors import SpecError
from core.models.base import utcnow
from core.models.spec_project import SpecProject
from core.models.statuses import SpecStep
from core.settings import Settings, folder_under_data
from core.spec.bundle import write_files, zip_bytes
from core.spec.claude_calls import CallContext, CallOutcome, PlannedCall, SpecClient, run_call
from core.spec.execution import (
    ExecutionEstimate,
    Mode,
    SectionJob,
    estimate_execution,
    run_execution,
    section_jobs,
    shared_context,
)
from core.spec.integrate import integrated_spec_name, plan_integrate
from core.spec.merge import MERGE_FIELDS, MergeInput
from core.spec.meta_prompts import build_meta_prompts
from core.spec.models import META_PROMPTS_DIR, check_abbrev
from core.spec.parse import normalize_text, split_spec
from core.spec.project_steps import STEP_TITLES, STEPS, SectionRun, StepKey, StepState, step_state, step_status
from core.spec.section_files import is_section_file_name, link_index, split_outputs
from core.storage.ports import FailureWriter, SpecProjectRows
from core.storage.ports.blobs import BlobStore

SPEC_BUILDS = "spec-builds"  # where builds are written inside the data folder


class SpecProjectService:
    def __init__(
        self,
        rows: SpecProjectRows,
        failures: FailureWriter,
        blobs: BlobStore,
        settings: Settings,
        llm: Callable[[], SpecClient],
        ledger: CallLedger,
        created_by: str | None = None,
    ) -> None:
        self.rows, self.failures, self.blobs, self.settings = rows, failures, blobs, settings
        self._llm, self.created_by = llm, created_by
        self.ledger = ledger
        self._lock = threading.Lock()

    # -- projects ------------------------------------------------------------------------------------
    def create(self, name: str, abbrev: str, model: str | None = None) -> SpecProject:
        if not name.strip():
            raise SpecError("Give the project a name.")
        project = SpecProject(
            name=name.strip(),
            abbrev=check_abbrev(abbrev),
            model=model or self.settings.model,
            created_by=self.created_by,
        )
        return self.rows.add(project)

    def all_projects(self) -> list[SpecProject]:
        return self.rows.newest_first()

    def get(self, project_id: str) -> SpecProject:
        return self.rows.get(project_id)

    def settings_for(self, project_id: str, *, model: str | None = None, ordered: bool | None = None) -> SpecProject:
        changes: dict[str, Any] = {}
        if model:
            changes["model"] = model
        if ordered is not None:
            changes["ordered"] = ordered
        return self.rows.update(project_id, **changes) if changes else self.get(project_id)

    def context(self, project: SpecProject) -> CallContext:
        return CallContext(
            self.failures, self.blobs, self.settings, self._llm, self.ledger, self.created_by, project.id
        )

    def _save(
        self, project_id: str, key: StepKey, state: StepState, files: dict[str, str] | None = None
    ) -> SpecProject:
        with self._lock:
            current = self.get(project_id)
            steps = dict(current.steps) | {key: state.model_dump(mode="json")}
            changes: dict[str, Any] = {"steps": steps}
            if files is not None:
                changes["files"] = files
            return self.rows.update(project_id, **changes)

    # -- step 1: merge inputs ------------------------------------------------------------------------
    def set_input(self, project_id: str, key: str, name: str, text: str) -> SpecProject:
        if key not in {f.key for f in MERGE_FIELDS}:
            raise SpecError(f"There is no merge input called {key}.")
        project = self.get(project_id)
        inputs = dict(project.inputs) | {key: {"name": name, "text": normalize_text(text)}}
        self.rows.update(project_id, inputs=inputs)
        given = [f for f in MERGE_FIELDS if (inputs.get(f.key) or {}).get("text", "").strip()]
        state = StepState(
            status=SpecStep.DONE if len(given) == len(MERGE_FIELDS) else SpecStep.NOT_STARTED, finished_at=utcnow()
        )
        return self._save(project_id, "inputs", state)

    def merge_inputs(self, project: SpecProject) -> dict[str, MergeInput]:
        return {
            key: MergeInput(name=value.get("name"), path=value.get("name"), content=value.get("text"))
            for key, value in project.inputs.items()
        }

    # -- step 2: the integrated spec ----------------------------------------------------------------
    def plan_integrate(self, project: SpecProject) -> PlannedCall:
        return plan_integrate(
            self.merge_inputs(project), project.abbrev, self.context(project), project.model, date.today()
        )

    def run_integrate(self, project_id: str, budget: float | None = None) -> CallOutcome:
        project = self.get(project_id)
        planned = self.plan_integrate(project)
        if budget is not None and planned.estimate_usd > budget:
            raise SpecError(f"The estimate (${planned.estimate_usd:.4f}) is over the budget (${budget:.2f}).")
        outcome = run_call(self.context(project), planned, "spec_integrate")
        state = StepState(estimate_usd=planned.estimate_usd, actual_usd=outcome.cost_usd, finished_at=utcnow())
        if outcome.ok:
            state.status = SpecStep.DONE
            files = dict(self.get(project_id).files) | {integrated_spec_name(project.abbrev): outcome.text or ""}
            self._save(project_id, "integrate", state, files)
        else:
            state.status, state.error = SpecStep.FAILED, outcome.error
            self._save(project_id, "integrate", state)
        return outcome

    def save_integrated(self, project_id: str, text: str) -> SpecProject:
        """The manual route: the integrated spec written elsewhere (pasted or uploaded)."""
        if not text.strip():
            raise SpecError("The integrated spec is empty.")
        project = self.get(project_id)
        files = dict(project.files) | {integrated_spec_name(project.abbrev): normalize_text(text)}
        return self._save(project_id, "integrate", StepState(status=SpecStep.DONE, finished_at=utcnow()), files)

    def integrated_spec(self, project: SpecProject) -> str | None:
        return project.files.get(integrated_spec_name(project.abbrev))

    # -- step 3: split -------------------------------------------------------------------------------
    def run_split(self, project_id: str) -> SpecProject:
        project = self.get(project_id)
        text = self.integrated_spec(project)
        if not text:
            raise SpecError("There is no integrated spec yet.", hint="Finish step 2 first.")
        result = split_spec(text)
        outputs = split_outputs(result, project.abbrev, integrated_spec_name(project.abbrev), date.today())
        kept = {k: v for k, v in project.files.items() if k != "INDEX.md" and not is_section_file_name(k)}
        files = kept | outputs
        files["INDEX.md"] = link_index(files["INDEX.md"], files)
        state = StepState(
            status=SpecStep.DONE, problems=[*result.errors, *result.warnings], notes=result.notes, finished_at=utcnow()
        )
        if result.errors:
            state.error = f"{len(result.errors)} section(s) could not be written."
        return self._save(project_id, "split", state, files)

    # -- step 4: meta-prompts ------------------------------------------------------------------------
    def run_meta(self, project_id: str) -> SpecProject:
        project = self.get(project_id)
        metas = build_meta_prompts(project.files, date.today(), abbrev=project.abbrev)
        kept = {k: v for k, v in project.files.items() if not k.startswith(f"{META_PROMPTS_DIR}/")}
        files = kept | {f"{META_PROMPTS_DIR}/{name}": body for name, body in metas.items()}
        files["INDEX.md"] = link_index(files.get("INDEX.md", ""), files)
        return self._save(project_id, "meta", StepState(status=SpecStep.DONE, finished_at=utcnow()), files)

    # -- step 5: execution prompts -------------------------------------------------------------------
    def jobs(self, project: SpecProject, codes: list[str] | None = None) -> list[SectionJob]:
        return section_jobs(project.files, codes)

    def estimate_execution(
        self, project: SpecProject, codes: list[str] | None = None, mode: Mode = "online"
    ) -> ExecutionEstimate:
        context = shared_context(project.files, self.integrated_spec(project))
        ordered = project.ordered and mode == "online"
        jobs = self.jobs(project, codes)
        return estimate_execution(
            jobs, project.files, context, self.context(project), project.model, ordered=ordered, mode=mode
        )

    def run_execute(
        self,
        project_id: str,
        codes: list[str] | None = None,
        *,
        mode: Mode = "online",
        budget: float | None = None,
        progress: Callable[[str, CallOutcome], None] | None = None,
        poll_s: float = 10.0,
    ) -> list[CallOutcome]:
        """Write the chosen sections' execution prompts; each is saved the moment it is done."""
        project = self.get(project_id)
        jobs = self.jobs(project, codes)
        estimate = self.estimate_execution(project, codes, mode)

        def save(job: SectionJob, outcome: CallOutcome) -> None:
            self._record_section(project_id, job, outcome, estimate.total_usd)
            if progress is not None:
                progress(job.code, outcome)

        context = shared_context(project.files, self.integrated_spec(project))
        ordered = project.ordered and mode == "online"
        ctx = self.context(project)
        return run_execution(
            jobs,
            project.files,
            context,
            ctx,
            project.model,
            ordered=ordered,
            mode=mode,
            budget=budget,
            on_done=save,
            poll_s=poll_s,
        )

    def _record_section(self, project_id: str, job: SectionJob, outcome: CallOutcome, estimate: float) -> None:
        with self._lock:
            current = self.get(project_id)
            state = step_state(current, "execute")
            run = SectionRun(
                status=SpecStep.DONE if outcome.ok else SpecStep.FAILED,
                actual_usd=outcome.cost_usd,
                error=outcome.error,
                continued=outcome.continued,
            )
            state.sections[job.code] = run
            state.status, state.estimate_usd, state.finished_at = SpecStep.DONE, estimate, utcnow()
            state.actual_usd = round(sum(r.actual_usd for r in state.sections.values()), 6)
            files = dict(current.files)
            if outcome.ok:
                files[job.output_name] = outcome.text or ""
                files["INDEX.md"] = link_index(files.get("INDEX.md", ""), files)
            steps = dict(current.steps) | {"execute": state.model_dump(mode="json")}
            self.rows.update(project_id, steps=steps, files=files)

    def save_execution_prompts(self, project_id: str, code: str, text: str) -> SpecProject:
        """The manual route: one section's execution prompts, written by an agent elsewhere."""
        if not text.strip():
            raise SpecError("The execution prompts are empty.")
        project = self.get(project_id)
        job = next((j for j in self.jobs(project) if j.code == code), None)
        if job is None:
            raise SpecError(f"There is no section {code}.")
        self._record_section(project_id, job, CallOutcome(key=code, text=normalize_text(text)), 0.0)
        return self.get(project_id)

    # -- outputs -------------------------------------------------------------------------------------
    def outputs(self, project: SpecProject) -> dict[str, str]:
        """Every file of the project, ``full-build/`` first-level names as in the earlier workflow."""
        return dict(project.files)

    def zip(self, project: SpecProject) -> bytes:
        return zip_bytes(self.outputs(project))

    def write_to_data_folder(self, project: SpecProject, folder: str, *, overwrite: bool = False) -> int:
        """Write the files to ``folder`` inside the data folder's spec-builds area (embedded backend only).

        A name that would leave that area (absolute, ``..``) is refused; so are existing files unless
        ``overwrite``. Returns how many files were written.
        """
        if self.settings.backend != "embedded":
            raise SpecError("Writing to a folder works only with the local data folder.", hint="Download the zip.")
        target = folder_under_data(self.settings, folder, SPEC_BUILDS)
        return len(write_files(self.outputs(project), target, force=overwrite))


__all__ = ["STEPS", "STEP_TITLES", "SpecProjectService", "StepState", "step_status"]
