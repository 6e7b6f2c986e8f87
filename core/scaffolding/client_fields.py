"""The custom fields a project gives its clients: declare, rename, remove (``ClientFieldsService``).

A project's clients all have the general fields (who they are, situation, background…); each project adds
its own custom fields (a career coach's "career stage", the demo planner's "income range"), stored with the
project (``Project.client_fields``). A client keeps its value of each under the field's name
(``Persona.demographics``); the client form shows exactly the declared fields, and prompts may use one
placeholder per field (``client_<name>``). Renaming a field moves every client's value and every prompt's
placeholder along; removing one removes its values. Clients that arrive with fields the project lacks (an
import, the demo) declare them, so nothing they hold is out of sight.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Mapping

import pydantic

from core.errors import AccessDeniedError, ConflictError, NotFoundError, ValidationError
from core.models.projects import FIELD_LABEL_MAX, ClientField, field_name
from core.scaffolding.fields import GENERAL_CLIENT_PLACEHOLDERS
from core.scaffolding.service import ScaffoldingService

PREFIX = "client_"
HELP_MAX = 300
#: Words a person may give a field that the general fields already have.
GENERAL_NAMES = frozenset(p.removeprefix(PREFIX) for p in GENERAL_CLIENT_PLACEHOLDERS)


def label_of(name: str) -> str:
    """``"family_status"`` -> ``"Family status"``: the label a field gets when it arrives without one."""
    words = " ".join(name.replace("_", " ").split())
    return words[:1].upper() + words[1:]


class ClientFieldsService:
    """The current project's custom client fields. ``read`` and ``write`` reach the project's stored list
    (``ProjectService``); ``scaffolding`` is the project's clients and prompts."""

    def __init__(
        self,
        read: Callable[[], builtins.list[ClientField]],
        write: Callable[[builtins.list[ClientField]], object],
        scaffolding: ScaffoldingService,
    ) -> None:
        self._read = read
        self._write = write
        self.scaffolding = scaffolding

    def list(self) -> builtins.list[ClientField]:
        return self._read()

    def _find(self, name: str) -> ClientField:
        found = next((f for f in self.list() if f.name == name), None)
        if found is None:
            raise NotFoundError("That custom field no longer exists.", hint="It may have been removed just now.")
        return found

    def _made(self, label: str, help_text: str, *, skip: str | None = None) -> ClientField:
        clean = " ".join(label.split())
        if not clean:
            raise ValidationError("Give the field a name.", hint="For example: career stage.")
        if len(clean) > FIELD_LABEL_MAX:
            raise ValidationError(f"A field's name has at most {FIELD_LABEL_MAX} characters.")
        if len(help_text) > HELP_MAX:
            raise ValidationError(f"What to write in a field is said in at most {HELP_MAX} characters.")
        name = field_name(clean)
        if name in GENERAL_NAMES:
            raise ValidationError(
                f"Every client already has “{clean}”: it is one of the general fields.",
                hint="Give the custom field another name.",
            )
        clash = next((f for f in self.list() if f.name == name and f.name != skip), None)
        if clash is not None:
            raise ConflictError(f"Your clients already have the field “{clash.label}”.", hint="Choose another name.")
        try:
            return ClientField(name=name, label=clean, help=help_text)
        except pydantic.ValidationError as err:
            raise ValidationError("This field cannot be saved.", problems=[e["msg"] for e in err.errors()]) from err

    def add(self, label: str, help_text: str = "") -> ClientField:
        """Declare a new custom field (its name comes from ``label``). Clients start with no value for it."""
        field = self._made(label, help_text)
        self._write([*self.list(), field])
        return field

    def change(self, name: str, label: str, help_text: str = "") -> ClientField:
        """Rename a field (and change its help). When the new label gives a new name, every client's value and
        every prompt's placeholder follow it."""
        old = self._find(name)
        field = self._made(label, help_text, skip=old.name)
        self._write([field if f.name == old.name else f for f in self.list()])
        if field.name != old.name:
            self._move_values(old.name, field.name)
            self._rename_placeholder(PREFIX + old.name, PREFIX + field.name)
        return field

    def remove(self, name: str) -> int:
        """Remove a field and the values clients had for it. Returns how many clients had a value."""
        field = self._find(name)
        self._write([f for f in self.list() if f.name != field.name])
        return self._move_values(field.name, None)

    def clients_using(self, name: str) -> int:
        """How many clients have a value for the field ``name``."""
        personas = self.scaffolding.list("personas")
        return sum(1 for p in personas if any(field_name(k) == name and v for k, v in p.demographics.items()))

    def declare(
        self, names: Iterable[str], labels: Mapping[str, str] | None = None, helps: Mapping[str, str] | None = None
    ) -> builtins.list[ClientField]:
        """Declare each of ``names`` (custom values a client arrived with, by any spelling) that the project
        lacks, with its label from ``labels`` or made from the name. Returns the fields added."""
        current = self.list()
        taken = {f.name for f in current} | GENERAL_NAMES
        added: builtins.list[ClientField] = []
        for raw in names:
            name = field_name(raw)
            if name in taken:
                continue
            taken.add(name)
            label = (labels or {}).get(raw) or label_of(raw)
            added.append(ClientField(name=name, label=label[:FIELD_LABEL_MAX], help=(helps or {}).get(raw, "")))
        if added:
            try:
                self._write([*current, *added])
            except AccessDeniedError:  # not the owner's: the client keeps its values, the form keeps them too
                return []
        return added

    def declare_fields(self, fields: Iterable[ClientField]) -> builtins.list[ClientField]:
        """Declare each of ``fields`` whose name the project lacks (the demo's, with their labels and help)."""
        wanted = builtins.list(fields)
        return self.declare(
            [f.name for f in wanted], {f.name: f.label for f in wanted}, {f.name: f.help for f in wanted}
        )

    # -- what follows a field ------------------------------------------------------------------------
    def _move_values(self, old: str, new: str | None) -> int:
        """Every client's value of ``old`` moves to ``new`` (or goes, without ``new``). Returns clients changed."""
        repo = self.scaffolding.repo("personas")
        changed = 0
        for persona in self.scaffolding.list("personas", include_deleted=True):
            keys = [k for k in persona.demographics if field_name(k) == old]
            if not keys:
                continue
            values = dict(persona.demographics)
            value = next((values[k] for k in keys if values[k]), "")
            for k in keys:
                del values[k]
            if new is not None and value:
                values[new] = value
            repo.update(persona.id, demographics=values)
            changed += 1 if value else 0
        return changed

    def _rename_placeholder(self, old: str, new: str) -> None:
        pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(old)}(?![A-Za-z0-9_])")
        repo = self.scaffolding.repo("templates")
        for template in self.scaffolding.list("templates", include_deleted=True):
            text = pattern.sub(new, template.template_text)
            if text != template.template_text:
                repo.update(template.id, template_text=text)
