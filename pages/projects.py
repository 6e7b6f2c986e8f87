"""Projects: each expert's work in its own workspace. Start a new one, switch, or delete one."""

from __future__ import annotations

import streamlit as st

from core.demo.project import demo_project
from core.models.projects import DEFAULT_PROJECT_ID
from pages._draft_widgets import draft_section, wants_draft
from pages._ui import friendly_errors, page_link, run_action, services, switch_project

svc = services()
current = svc.project
st.title("Projects")
st.caption(
    "A project holds one expert and everything made for them: clients, emotional journeys, topics, prompts, "
    "conversations, reviews and training files. Nothing crosses from one project to another."
)
if notice := st.session_state.pop("projects_notice", None):
    st.success(notice, icon=":material/task_alt:")

# Right under the notice: a project just made is drafted here, and what was added is said where the box was. (The
# first project is offered it on Scaffolding: here it would read as if meant for the project about to be made.)
if current.id != DEFAULT_PROJECT_ID and wants_draft(svc):

    def saved(summary: str) -> None:
        st.session_state["projects_notice"] = f"{summary} They are on Scaffolding, ready to edit."

    draft_section(svc, on_saved=saved)

projects = svc.projects.list()
st.dataframe(
    [
        {
            "Project": p.name + (" (open now)" if p.id == current.id else ""),
            "Field of work": p.domain or "—",
            "About the expert": p.description or "—",
        }
        for p in projects
    ],
    hide_index=True,
    width="stretch",
    key="projects_table",
)

with st.container(border=True):
    st.subheader("Sharing with reviewers")
    if svc.projects.can_change(current):
        shared = st.toggle(
            f"Reviewers may read “{current.name}” and review its conversations",
            value=current.shared_with_reviewers,
            key=f"share_with_reviewers_{current.id}",
        )
        if shared != current.shared_with_reviewers:
            changed = run_action("Saving…", lambda: svc.projects.share_with_reviewers(current.slug, shared))
            if changed is not None:
                st.session_state["projects_notice"] = (
                    f"Reviewers now see “{current.name}”." if shared else f"“{current.name}” is now yours alone."
                )
                st.rerun()
        st.caption("Reviewers approve, reject, rate and grade its conversations; they change nothing else.")
    else:
        who = "Reviewers may" if current.shared_with_reviewers else "Reviewers may not"
        st.caption(f"{who} read this project. Only the person who made it can change that.")

with st.container(border=True):
    st.subheader("New project")
    with st.form("new_project", clear_on_submit=True):
        name = st.text_input("Name", placeholder="For example: Career coaching with Dana")
        description = st.text_area(
            "The expert, in a few sentences",
            placeholder="Who they are, who they help, and how they work with their clients.",
            height=100,
        )
        domain = st.text_input("Field of work", placeholder="For example: career coaching")
        created = st.form_submit_button("Create the project", type="primary", icon=":material/create_new_folder:")
    if created:
        project = run_action("Creating…", lambda: svc.projects.create(name, description=description, domain=domain))
        if project is not None:
            st.session_state["projects_notice"] = (
                f"“{project.name}” is ready and open. Next: let Claude draft a starter set below, or describe the "
                "expert and add clients on Scaffolding."
            )
            switch_project(project.slug)
            st.rerun()

if current.is_demo or len(projects) > 1:
    with st.container(border=True):
        st.subheader("Delete a project")
        st.caption("Deleting a project deletes everything in it. It cannot be undone.")
        demo = demo_project(svc.projects)
        if demo is not None and st.button(f"Delete “{demo.name}”", key="delete_demo", icon=":material/delete:"):
            with friendly_errors():
                svc.projects.delete(demo.slug, confirm_name=demo.name)
                if demo.id == current.id:
                    switch_project(projects[0].slug)
                st.session_state["projects_notice"] = f"Deleted “{demo.name}”."
                st.rerun()
        own = [p for p in projects if not p.is_demo and p.id != projects[0].id]
        if own:
            names = {p.slug: p.name for p in own}
            doomed = st.selectbox("Project to delete", list(names), format_func=lambda s: names[s], key="delete_pick")
            typed = st.text_input(f"Type its name, “{names[doomed]}”, to confirm", key=f"delete_confirm_{doomed}")
            if st.button("Delete this project", key="delete_project", icon=":material/delete_forever:"):
                with friendly_errors():
                    svc.projects.delete(doomed, confirm_name=typed)
                    if doomed == current.slug:
                        switch_project(projects[0].slug)
                    st.session_state["projects_notice"] = f"Deleted “{names[doomed]}”."
                    st.rerun()

page_link("pages/scaffolding.py", label="Go to Scaffolding", icon=":material/arrow_forward:")
