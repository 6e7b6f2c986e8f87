"""``python -m core project create|list|delete|draft``: each expert's work in its own workspace.

The global ``--project SLUG`` (or ``BRIGHTRUN_PROJECT``) makes every other command work inside that project.
"""

from __future__ import annotations

from typing import Annotated

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.models.projects import DEFAULT_PROJECT_SLUG

app = typer.Typer(help="Projects: each expert's work in its own workspace.", no_args_is_help=True)


def check_project(slug: str) -> None:
    """Exit with one plain line when no project has this slug (the global ``--project``)."""
    if slug == DEFAULT_PROJECT_SLUG:
        return
    from core.errors import BrightRunError

    try:
        svc = services()
    except BrightRunError as err:
        err_console.print(f"Error: {err.message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from err
    svc.close()


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The project's name, e.g. 'Career coaching'.")],
    description: Annotated[
        str, typer.Option("--description", help="The expert and their work, in a few sentences.")
    ] = "",
    domain: Annotated[str, typer.Option("--domain", help="The field, e.g. 'career coaching'.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help='Print {"id", "slug", "name"}.')] = False,
) -> None:
    """Make a new, empty project; prints its slug (use it with --project)."""
    with friendly_errors():
        project = services().projects.create(name, description=description, domain=domain)
    if as_json:
        print_json({"id": project.id, "slug": project.slug, "name": project.name})
    else:
        typer.echo(project.slug)


@app.command("list")
def list_projects(as_json: Annotated[bool, typer.Option("--json", help="Print the projects as JSON.")] = False) -> None:
    """Every project: slug, name, and whether it is the demo."""
    with friendly_errors():
        svc = services()
        found = svc.projects.list()
        current = svc.project_id
    if as_json:
        print_json(
            [
                {"id": p.id, "slug": p.slug, "name": p.name, "description": p.description, "domain": p.domain}
                | {"is_demo": p.is_demo, "current": p.id == current}
                for p in found
            ]
        )
        return
    for p in found:
        mark = "*" if p.id == current else " "
        demo = "  (demo)" if p.is_demo else ""
        console.print(f"{mark} {p.slug:<24} {p.name}{demo}", highlight=False, markup=False, soft_wrap=True)


@app.command("delete")
def delete(
    slug: Annotated[str, typer.Argument(help="The project's slug (see `project list`).")],
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking for the project's name.")] = False,
) -> None:
    """Delete a project and everything in it: scaffolding, conversations, jobs, reviews, training files and
    their files. Refused while one of its batch jobs is not finished."""
    with friendly_errors():
        svc = services()
        project = svc.projects.get(slug)
        confirm = project.name if yes else typer.prompt(f"Type the project's name ({project.name}) to delete it")
        deleted = svc.projects.delete(slug, confirm_name=confirm)
    rows = sum(deleted.values())
    console.print(f"Deleted project '{project.name}' ({rows} row(s)).", highlight=False, markup=False)


@app.command("draft")
def draft(
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking, and add every proposal.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: the estimate only, or with --yes what was added.")
    ] = False,
) -> None:
    """Let Claude draft clients, emotional journeys and topics for the current project (--project) from its name,
    description and domain: the estimate first, then the proposals, added when you say so (or with --yes)."""
    with friendly_errors():
        svc = services()
        plan = svc.drafting.plan()
        if as_json and not yes:
            print_json({"prompt": plan.prompt, "model": plan.model, "estimate_usd": plan.estimate_usd})
            return
        if not as_json:
            console.print(plan.prompt, highlight=False, markup=False, soft_wrap=True)
            console.print(f"\nEstimated cost: ${plan.estimate_usd:.4f} ({plan.model}).", highlight=False, markup=False)
        if not yes and not typer.confirm("Send it to Claude?"):
            raise typer.Exit(0)
        found = svc.drafting.draft(plan)
        kept = [*found.clients, *found.journeys, *found.topics]
        if not as_json:
            for heading, items in (("Clients", found.clients), ("Journeys", found.journeys), ("Topics", found.topics)):
                console.print(f"\n{heading}:", highlight=False, markup=False)
                for record in items:
                    console.print(f"  - {record.name}", highlight=False, markup=False, soft_wrap=True)
            notes = [f"cost ${found.cost_usd:.4f}"]
            if found.cut_off:
                notes.append("the answer was cut off: these are the complete items")
            if found.skipped:
                notes.append(f"{found.skipped} item(s) could not be used")
            console.print(f"\n({'; '.join(notes)})", highlight=False, markup=False)
        if not yes and not typer.confirm(f"Add all {len(kept)} to '{svc.project.name}'?"):
            raise typer.Exit(0)
        done = svc.drafting.accept(kept)
    if as_json:
        added = {"clients": done.clients, "journeys": done.journeys, "topics": done.topics}
        print_json({"cost_usd": found.cost_usd, "cut_off": found.cut_off, "skipped": found.skipped, "added": added})
    else:
        console.print(done.summary(), highlight=False, markup=False)
