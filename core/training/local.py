"""Training on this machine: TRL in a child process of the worker (``core.training.local_child``).

The child appends its progress as JSON lines to ``progress.jsonl`` in the job's work folder; polling reads
them. The child ends by itself when its worker is gone; cancelling sends it SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core.errors import BrightRunError
from core.models.statuses import Phase, Training
from core.models.training_jobs import BackendName, TrainingJob
from core.training.backend import FrozenInput, Point, Poll

TRAIN_PACKAGES = ("torch", "transformers", "peft", "trl", "datasets", "accelerate")
ENABLE_LOCAL = (
    "Training on this computer needs the training tools, which are not installed. Whoever runs the app can add "
    "them (pip install '.[train]' in the app's folder); until then, train on Together."
)
STOP_GRACE_S = 3.0


def local_training_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in TRAIN_PACKAGES)


def _signal_words(code: int) -> str:
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return f"the training process was stopped from outside ({name})"
    return f"the training process ended with an error (exit code {code})"


class LocalBackend:
    name: BackendName = "local"

    def __init__(self, work_root: Path, *, python: str = sys.executable) -> None:
        self.work_root = work_root
        self.python = python
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    def folder(self, job: TrainingJob) -> Path:
        return self.work_root / job.id

    def submit(self, job: TrainingJob, inputs: FrozenInput) -> dict[str, Any]:
        if not local_training_available():
            raise BrightRunError(ENABLE_LOCAL, terminal_hint="Install the extra: pip install '.[train]'")
        folder = self.folder(job)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "progress.jsonl").write_text("", encoding="utf-8")
        spec = {
            "job_id": job.id,
            "base_model": job.base_model,
            "train_path": str(inputs.train_path),
            "validation_path": str(inputs.validation_path) if inputs.validation_path else None,
            "output_dir": str(folder / "out"),
            "progress_path": str(folder / "progress.jsonl"),
            "hyperparameters": job.hyperparameters,
            "max_length": job.estimate.get("context_length"),
            "training_file_id": job.training_file_id,
            "training_file_sha256": job.training_file_sha256,
            "preset": job.preset,
        }
        (folder / "spec.json").write_text(json.dumps(spec, indent=2), encoding="utf-8")
        with (folder / "child.log").open("ab") as log:
            child = subprocess.Popen(
                [self.python, "-m", "core.training.local_child", str(folder / "spec.json")],
                cwd=Path(__file__).resolve().parents[2],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        self._children[job.id] = child
        return {"child_pid": child.pid}

    def _events(self, job: TrainingJob) -> list[dict[str, Any]]:
        path = self.folder(job) / "progress.jsonl"
        if not path.exists():
            return []
        events = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue  # a line being written
        return events

    def poll(self, job: TrainingJob) -> Poll:
        events = self._events(job)
        poll = Poll(state=Training.RUNNING, phase=Phase.QUEUED, cost_usd=0.0)
        for event in events:
            kind = event.get("event")
            if kind == "start":
                poll.phase, poll.total_steps = Phase.TRAINING, int(event["total_steps"])
            elif kind == "step":
                poll.step, poll.total_steps = int(event["step"]), int(event["total_steps"])
            elif kind == "log":
                point = Point.model_validate(event)
                poll.points.append(point)
                poll.loss = point.loss if point.loss is not None else poll.loss
                poll.eval_loss = point.eval_loss if point.eval_loss is not None else poll.eval_loss
            elif kind == "warning":
                poll.message = str(event["message"])
            elif kind == "mask":
                poll.remember["mask"] = {k: event[k] for k in ("tokens", "trained_tokens", "trained_text")}
            elif kind == "saved":
                poll.phase = Phase.SAVING
        child = self._children.get(job.id)
        code = child.poll() if child is not None else None
        if child is None:
            poll.state, poll.phase = Training.FAILED, Phase.FAILED
            poll.message = "The training stopped unexpectedly: the program running it ended. Start it again."
        elif code == 0 and poll.phase == Phase.SAVING:
            poll.state = Training.COMPLETED
        elif code is not None:
            errors = [str(e["message"]) for e in events if e.get("event") == "error"]
            poll.state, poll.phase = Training.FAILED, Phase.FAILED
            poll.message = f"Training failed: {errors[-1] if errors else _signal_words(code)}."
        return poll

    def wait(self, job: TrainingJob, timeout: float) -> None:
        """Until the job's child ends or ``timeout`` passes."""
        child = self._children.get(job.id)
        if child is None:
            time.sleep(timeout)
            return
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return

    def cancel(self, job: TrainingJob) -> None:
        child = self._children.get(job.id)
        if child is not None:
            stop_process(child)
        elif job.child_pid:
            kill_if_alive(job.child_pid, job.id)

    def fetch_adapter(self, job: TrainingJob, dest: Path) -> Path:
        source = self.folder(job) / "out" / "adapter"
        dest.mkdir(parents=True, exist_ok=True)
        for path in source.iterdir():
            if path.is_file():
                shutil.copy2(path, dest / path.name)
        return dest

    def resumable(self, job: TrainingJob) -> bool:
        return False

    def forget(self, job: TrainingJob) -> None:
        self._children.pop(job.id, None)
        shutil.rmtree(self.folder(job) / "out", ignore_errors=True)


def _die_with_parent() -> None:
    """In the child, before it runs: Linux kills it the moment its worker dies (the child also checks itself)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def stop_process(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after a short grace; waits until it is gone."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=10)


def kill_if_alive(pid: int, job_id: str) -> None:
    """A training child left by a dead worker (same machine): stop it, only if that pid is still this job's
    child (a pid can be reused). Its own check of its parent makes this rare."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if b"core.training.local_child" not in command or job_id.encode() not in command:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
