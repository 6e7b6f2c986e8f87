"""Training on Together's hosted fine-tuning (LoRA), through their Python SDK (the only ``together`` import).

Submit uploads the frozen training and validation files and creates a LoRA job with the preset's numbers;
poll reads the job and its events (step, loss, the service's total price); cancel asks Together to stop;
the adapter comes back as an archive that is unpacked into the adapter's folder. A poll Together does not
answer (429, 5xx, no connection) is not an ending: the job is polled again. The cost is Together's reported
``total_price``, stored as the job's running total (never added to), so it is never counted twice.
"""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import BrightRunError
from core.models.statuses import HOSTED_FAILED, Hosted, Phase, Training
from core.models.training_jobs import BackendName, TrainingJob
from core.settings import Settings
from core.training.backend import FrozenInput, Point, Poll

if TYPE_CHECKING:
    from together import Together

KEYS_URL = "https://api.together.ai/settings/api-keys"
NO_KEY = "Training on Together needs a Together key."
NO_KEY_HINT = "Add it on Settings (Together key), then start again."
NANODOLLARS = 1_000_000_000
LOSS = re.compile(r"\bloss[:=]?\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)
EVAL_LOSS = re.compile(r"\beval(?:uation)?[ _]loss[:=]?\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)
DOWNLOAD_TRIES = 3
PHASES = {
    Hosted.PENDING: Phase.QUEUED,
    Hosted.QUEUED: Phase.QUEUED,
    Hosted.RUNNING: Phase.TRAINING,
    Hosted.COMPRESSING: Phase.SAVING,
    Hosted.UPLOADING: Phase.SAVING,
    Hosted.CANCEL_REQUESTED: Phase.TRAINING,
}


class TogetherBackend:
    name: BackendName = "together"

    def __init__(self, api_key: str | None, *, base_url: str | None = None, max_retries: int = 2) -> None:
        self._api_key, self._base_url, self._max_retries = api_key, base_url, max_retries
        self._client: Together | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TogetherBackend:
        secret = settings.together_api_key
        key = secret.get_secret_value().strip() if secret is not None else None
        return cls(key, base_url=settings.together_base_url)

    def client(self) -> Together:
        if not self._api_key:
            raise BrightRunError(NO_KEY, hint=NO_KEY_HINT, terminal_hint="Set TOGETHER_API_KEY, then start again.")
        if self._client is None:
            from together import Together

            self._client = Together(api_key=self._api_key, base_url=self._base_url, max_retries=self._max_retries)
        return self._client

    # -- submit ------------------------------------------------------------------------------------------
    def submit(self, job: TrainingJob, inputs: FrozenInput) -> dict[str, Any]:
        client = self.client()
        values = job.hyperparameters
        train_id = self._upload(client, inputs.train_path)
        validation_id = self._upload(client, inputs.validation_path) if inputs.validation_path else None
        try:
            created = client.fine_tuning.create(
                training_file=train_id,
                validation_file=validation_id or "",
                model=job.base_model,
                n_epochs=int(values["epochs"]),
                n_evals=1 if validation_id else 0,
                learning_rate=float(values["learning_rate"]),
                batch_size=int(values["batch_size"]),
                lora=True,
                lora_r=int(values["lora_rank"]),
                lora_alpha=float(values["lora_alpha"]),
                lora_dropout=float(values.get("lora_dropout", 0.0)),
                train_on_inputs=False,
                suffix="brightrun",
            )
        except Exception as err:
            raise _plain(err, "Together refused to start the training") from err
        return {
            "external_file_id": train_id,
            "external_validation_file_id": validation_id,
            "external_job_id": created.id,
        }

    def _upload(self, client: Together, path: Path) -> str:
        try:
            return str(client.files.upload(file=path, purpose="fine-tune", check=True).id)
        except Exception as err:
            raise _plain(err, "Uploading the training file to Together failed; nothing was started") from err

    # -- poll --------------------------------------------------------------------------------------------
    def poll(self, job: TrainingJob) -> Poll:
        client = self.client()
        try:
            found = client.fine_tuning.retrieve(str(job.external_job_id))
            events = client.fine_tuning.list_events(str(job.external_job_id)).data
        except Exception as err:
            if _transient(err):
                return Poll(transient=True, message="Together did not answer just now; asking again.")
            raise _plain(err, "Together could not say how the training is going") from err
        status = str(found.status)
        poll = Poll(phase=PHASES.get(status, Phase.TRAINING), remember={})
        if found.total_price is not None:
            poll.cost_usd = float(found.total_price) / NANODOLLARS
        if name := getattr(found, "x_model_output_name", None):
            poll.remember["hosted_model_name"] = name
        for event in events:
            step, total = getattr(event, "step", None), getattr(event, "total_steps", None)
            if total:
                poll.total_steps = int(total)
            message = str(getattr(event, "message", ""))
            loss, eval_loss = LOSS.search(message), EVAL_LOSS.search(message)
            if step is not None and (loss or eval_loss):
                point = Point(
                    step=int(step),
                    eval_loss=float(eval_loss.group(1)) if eval_loss else None,
                    loss=float(loss.group(1)) if loss and not eval_loss else None,
                )
                poll.points.append(point)
                poll.loss = point.loss if point.loss is not None else poll.loss
                poll.eval_loss = point.eval_loss if point.eval_loss is not None else poll.eval_loss
            if step is not None:
                poll.step = max(poll.step, int(step))
        if status == Hosted.COMPLETED:
            poll.state, poll.phase = Training.COMPLETED, Phase.SAVING
        elif status == Hosted.CANCELLED:
            poll.state, poll.phase, poll.message = Training.CANCELLED, Phase.CANCELLED, "Cancelled on Together."
        elif status in HOSTED_FAILED:
            reason = next((str(e.message) for e in reversed(events) if getattr(e, "level", "") == "error"), "")
            who = "the training data" if status == Hosted.USER_ERROR else "Together"
            poll.state, poll.phase = Training.FAILED, Phase.FAILED
            poll.message = f"The training failed on Together (a problem with {who}). {reason}".strip()
        return poll

    def cancel(self, job: TrainingJob) -> None:
        if not job.external_job_id:
            return
        try:
            self.client().fine_tuning.cancel(job.external_job_id)
        except Exception as err:
            if not _transient(err):
                raise _plain(err, "Together did not accept the cancel") from err

    def fetch_adapter(self, job: TrainingJob, dest: Path) -> Path:
        last: Exception | None = None
        for _ in range(DOWNLOAD_TRIES):
            try:
                response = self.client().fine_tuning.content(ft_id=str(job.external_job_id), checkpoint="adapter")
                data = response.read()
                return unpack(data, dest)
            except BrightRunError:
                raise
            except Exception as err:
                last = err
        raise BrightRunError(
            "The training finished on Together, but downloading the adapter broke off (tried 3 times).",
            hint="The model is still on Together under the name shown; try again later.",
        ) from last

    def resumable(self, job: TrainingJob) -> bool:
        return True

    # -- the key -----------------------------------------------------------------------------------------
    def check_key(self) -> int:
        """One free call (list fine-tuning jobs); returns how many jobs the account has."""
        try:
            return len(self.client().fine_tuning.list().data or [])
        except BrightRunError:
            raise
        except Exception as err:
            raise _plain(err, "Together did not accept this key") from err


def unpack(data: bytes, dest: Path) -> Path:
    """The adapter archive (tar, tar.gz or zip) into ``dest``, flat; refuses an archive that is cut or has no
    ``adapter_config.json``."""
    dest.mkdir(parents=True, exist_ok=True)
    try:
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = {Path(n).name: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
        else:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
                members = {}
                for member in archive.getmembers():
                    handle = archive.extractfile(member) if member.isfile() else None
                    if handle is not None:
                        members[Path(member.name).name] = handle.read()
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as err:
        raise BrightRunError("The adapter downloaded from Together is incomplete or unreadable.") from err
    if "adapter_config.json" not in members:
        raise BrightRunError("The archive Together sent holds no adapter (adapter_config.json is missing).")
    for name, content in members.items():
        (dest / name).write_bytes(content)
    return dest


def _transient(err: Exception) -> bool:
    from together import APIConnectionError, InternalServerError, RateLimitError

    return isinstance(err, APIConnectionError | RateLimitError | InternalServerError)


def _plain(err: Exception, what: str) -> BrightRunError:
    from together import APIConnectionError, APIStatusError, AuthenticationError

    if isinstance(err, AuthenticationError):
        return BrightRunError(f"{what}: Together did not accept the key.", hint=f"Check it on Settings ({KEYS_URL}).")
    if isinstance(err, APIConnectionError):
        return BrightRunError(f"{what}: Together could not be reached.", hint="Check the connection and try again.")
    if isinstance(err, APIStatusError):
        return BrightRunError(f"{what}: Together refused the request.", hint="Try again in a few minutes.")
    return BrightRunError(f"{what}.", hint="Try again in a few minutes.")
