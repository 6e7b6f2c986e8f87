"""The project's errors: one root, a few typed branches, each carrying a message a person can act on.

BrightRunError                 (root: pages catch this and show ``st.error``)
├── ConfigError                a setting is missing or wrong (hint says how to fix it)
├── ValidationError            user input breaks a rule (a template, a key, a range)
├── ImportFormatError          a file is not one of the formats we read
├── StorageError
│   ├── NotFoundError          a row or blob that should exist does not
│   ├── ConflictError          a unique key or a state transition refused the change
│   └── AccessDeniedError      row-level security refused the signed-in user
├── AuthError                  sign-in failed, or Supabase Auth could not be reached
├── LLMError
│   ├── LLMUnavailableError    no key, dead key, network down, provider overloaded
│   └── LLMOutputError         the model answered, but the answer is unusable
├── SpecError                  the spec splitter could not work with its input
└── ExportError                a training file could not be written or validated
"""

from __future__ import annotations

#: Advice for a setting only whoever runs the app can change (pages say this; the CLI names the setting).
ADMIN_ADVICE = "Whoever runs the app needs to check its Supabase settings."


class BrightRunError(Exception):
    """Root of every error the app reports to a person.

    ``message`` says what went wrong in plain words; ``hint`` (optional) says what to do about it, in the
    app's words. ``terminal_hint`` (optional) is the same advice for the command line (a command, a flag, a
    setting's name): the CLI prints it instead of ``hint``; a page never shows it.
    """

    def __init__(self, message: str, *, hint: str | None = None, terminal_hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.terminal_hint = terminal_hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    @property
    def user_message(self) -> str:
        """The message and hint as one paragraph, for a page."""
        return f"{self.message}\n\n{self.hint}" if self.hint else self.message

    @property
    def terminal_message(self) -> str:
        """The message and the command-line advice (or the hint), for a terminal."""
        advice = self.terminal_hint or self.hint
        return f"{self.message}\n\n{advice}" if advice else self.message


class ConfigError(BrightRunError):
    """A setting is missing or invalid."""


class ValidationError(BrightRunError):
    """User input breaks a rule. ``problems`` lists every broken rule, not just the first."""

    def __init__(
        self,
        message: str,
        *,
        problems: list[str] | None = None,
        hint: str | None = None,
        terminal_hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, terminal_hint=terminal_hint)
        self.problems = problems or []

    def _with_problems(self, advice: str | None) -> str:
        lines = [self.message, *(f"- {p}" for p in self.problems)]
        if advice:
            lines += ["", advice]
        return "\n".join(lines)

    @property
    def user_message(self) -> str:
        return self._with_problems(self.hint)

    @property
    def terminal_message(self) -> str:
        return self._with_problems(self.terminal_hint or self.hint)


class ImportFormatError(BrightRunError):
    """A file given to import is not valid JSON or not one of the formats we read."""


class StorageError(BrightRunError):
    """The database or blob store refused an operation."""


class NotFoundError(StorageError):
    """A row or blob that should exist does not."""


class ConflictError(StorageError):
    """A unique key or an allowed-transition rule refused the change."""


class LeaseLostError(ConflictError):
    """A batch worker's claim on an item was taken over (it stalled past its lease): its result is dropped."""


class AccessDeniedError(StorageError):
    """Row-level security (or a grant) refused the signed-in user's read or change."""


class AuthError(BrightRunError):
    """Sign-in failed (wrong credentials, unconfirmed email) or Supabase Auth could not be reached."""


class LLMError(BrightRunError):
    """Something went wrong talking to Claude.

    ``status_code``, ``retry_after`` (seconds), ``request_id`` and ``code`` describe a failed API call when
    there was one, so a batch runner can back off adaptively.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        terminal_hint: str | None = None,
        status_code: int | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, terminal_hint=terminal_hint)
        self.status_code = status_code
        self.retry_after = retry_after
        self.request_id = request_id
        self.code = code


class LLMUnavailableError(LLMError):
    """Claude could not be reached or refused the credentials."""


class LLMOutputError(LLMError):
    """Claude answered, but the answer cannot be used. ``raw_text`` keeps what it said."""

    def __init__(self, message: str, *, raw_text: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.raw_text = raw_text


class SpecError(BrightRunError):
    """The spec splitter could not work with its input."""


class ExportError(BrightRunError):
    """A training file could not be written or failed validation."""


class ModelUnavailableError(BrightRunError):
    """A model cannot answer here: its base model is not on this machine, the local-model libraries are not
    installed, or the hosted service cannot be reached."""
