"""Widgets the spec pipeline's steps share: costs, a prompt with "Copy prompt", an output preview."""

from __future__ import annotations

import html
import json

import streamlit as st

from core.spec.claude_calls import PlannedCall


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.4f}"


def costs(estimate: float | None, actual: float | None, *, key: str) -> None:
    """Estimated (before) and actual (after) cost of a step, side by side."""
    left, right = st.columns(2)
    left.metric("Estimated cost", money(estimate), help="Before running: from the prompt's size and the prices.")
    right.metric("Actual cost", money(actual) if actual else "—", help="What the calls of the last run cost.")


def copy_button(text: str, *, key: str) -> None:
    """A "Copy prompt" button that puts ``text`` on the clipboard."""
    payload = json.dumps(text).replace("</", "<\\/")  # the prompt may hold '</script>'
    st.iframe(
        f"""<button id="copy-{html.escape(key)}" style="font: 14px sans-serif; padding: 6px 14px; border-radius: 8px;
        border: 1px solid #bbb; background: white; cursor: pointer;">Copy prompt</button>
        <span id="done-{html.escape(key)}" style="font: 13px sans-serif; margin-left: 8px; color: #2e7d32;"></span>
        <script>
        const button = document.getElementById("copy-{html.escape(key)}");
        const done = document.getElementById("done-{html.escape(key)}");
        button.addEventListener("click", async () => {{
          try {{ await navigator.clipboard.writeText({payload}); done.textContent = "Copied"; }}
          catch (e) {{ done.textContent = "Select the prompt below and copy it"; }}
        }});
        </script>""",
        height=44,
    )


def manual_prompt(planned: PlannedCall, *, key: str) -> None:
    """Without a key: the exact prompt Claude would get, its estimated cost, and a way to copy it."""
    st.info(
        f"No Claude key is set, so nothing is sent. Copy this prompt into your AI agent (estimated cost "
        f"{money(planned.estimate_usd)} with {planned.request.model}), then paste its answer below.",
        icon=":material/content_copy:",
    )
    copy_button(planned.prompt_text, key=key)
    st.code(planned.prompt_text, language="markdown", height=240)


def preview(title: str, text: str, file_name: str, *, key: str) -> None:
    """An output: a preview and a download button."""
    with st.expander(f"Preview: {title}"):
        st.code(text, language="markdown", height=320)
    st.download_button(f"Download {title}", data=text, file_name=file_name, key=f"download_{key}")
