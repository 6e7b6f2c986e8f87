"""Settings: the Claude key (paste, test, save) and the models, on the embedded backend."""

from __future__ import annotations

import streamlit as st

from core.claude_key import CONSOLE_URL, check_key_format, key_source, model_choices, save_key, save_models, try_key
from core.scaffolding.fields import MAX_TOKENS_HELP
from core.settings import Settings
from core.training import together_key
from core.training.hosted import KEYS_URL
from pages._ui import friendly_errors, run_action, system_services

st.title("Settings")
svc = system_services()
settings = svc.settings
if notice := st.session_state.pop("settings_notice", None):
    st.success(notice, icon=":material/check_circle:")

st.subheader("Claude key")
if settings.backend == "supabase":
    st.info(
        "On this server the Claude key is part of the server's own configuration, set by whoever runs it. "
        "It is never typed into the browser. Ask your administrator if generation says the key is missing.",
        icon=":material/lock:",
    )
    st.stop()

st.caption(
    "Claude writes the conversations and scores them. It needs a key from your Anthropic account; "
    "you pay Anthropic for what you use."
)
source = key_source(settings)
if source == "environment":
    st.success("A key is set in the server's environment and is in use. A key saved here is ignored while it is set.")
elif source == "file":
    st.success("A key is saved. For your safety it is not shown again; paste a new one to replace it.")
else:
    st.warning("No key yet: you can look around, but nothing can be generated.", icon=":material/key_off:")
st.link_button("Get a key from the Anthropic console", CONSOLE_URL, icon=":material/open_in_new:")

nonce = st.session_state.get("settings_key_nonce", 0)  # a new box after each save: the key is never shown again
with st.form("settings_key"):
    pasted = st.text_input(
        "Your Claude key",
        type="password",
        key=f"settings_key_input_{nonce}",
        placeholder="sk-ant-…",
        help="Copy it from the Anthropic console. It is saved on this computer only, and never shown again.",
    )
    left, right = st.columns(2)
    test_clicked = left.form_submit_button("Test key", icon=":material/bolt:")
    save_clicked = right.form_submit_button("Save key", type="primary", icon=":material/save:")

if test_clicked:
    # Test the pasted key, or the saved one when nothing was pasted.
    key = pasted if pasted.strip() or source is None else None
    result = run_action("Asking Claude for a one-line answer…", lambda: try_key(settings, key, svc=svc))
    if result is not None:
        st.success(f"The key works. Claude ({result.model}) answered: “{result.answer}”", icon=":material/check:")
        st.caption(f"This test cost ${result.cost_usd:.5f}.")
if save_clicked:
    with friendly_errors():
        check_key_format(pasted)  # a plain answer for an empty or mistyped key, before any call
        tested = run_action("Checking the key with Claude…", lambda: try_key(settings, pasted, svc=svc))
        if tested is not None:  # a key Claude refuses is not saved
            save_key(pasted)
            system_services()  # reads the saved key into the running app: every page uses it from now on
            st.session_state["settings_key_nonce"] = nonce + 1
            st.session_state["settings_notice"] = (
                f"Key saved: it works (Claude answered for ${tested.cost_usd:.5f}). Every page uses it now."
            )
            st.rerun()

st.subheader("Models")
choices = model_choices()
labels = {c.name: c.label for c in choices}
names = [c.name for c in choices]


def _index(name: str) -> int:
    return names.index(name) if name in names else 0


with st.form("settings_models"):
    left, right = st.columns(2)
    model = left.selectbox(
        "Model that writes conversations",
        names,
        index=_index(settings.model),
        format_func=labels.__getitem__,
        key="settings_model",
        help="A Sonnet model writes well at a fair price. Retired models no longer answer.",
    )
    judge = right.selectbox(
        "Model that scores conversations",
        names,
        index=_index(settings.cheap_model),
        format_func=labels.__getitem__,
        key="settings_judge_model",
        help="A Haiku model is fast and cheap, which suits scoring many conversations.",
    )
    saved_models = st.form_submit_button("Save models", icon=":material/save:")
if saved_models:
    with friendly_errors():
        save_models(model, judge)
        system_services()
        st.session_state["settings_notice"] = f"Saved: {model} writes, {judge} scores."
        st.rerun()
st.caption(f"Longest answer per conversation: {settings.max_tokens:,} tokens. {MAX_TOKENS_HELP}")

st.subheader("Together key")
st.caption(
    "Together trains models for you on their computers (the Train page's hosted choice). It needs a key from "
    "your Together account; you pay Together for the tokens trained."
)
together_source = together_key.key_source(settings)
if together_source == "environment":
    st.success("A Together key is set in the server's environment and is in use.")
elif together_source == "file":
    st.success("A Together key is saved. For your safety it is not shown again; paste a new one to replace it.")
else:
    st.info("No Together key yet: training on this computer still works.", icon=":material/key_off:")
st.link_button("Get a key from Together", KEYS_URL, icon=":material/open_in_new:")
together_nonce = st.session_state.get("settings_together_nonce", 0)
with st.form("settings_together"):
    pasted_together = st.text_input(
        "Your Together key",
        type="password",
        key=f"settings_together_input_{together_nonce}",
        help="Copy it from your Together account. It is saved on this computer only, and never shown again.",
    )
    left, right = st.columns(2)
    test_together = left.form_submit_button("Test Together key", icon=":material/bolt:")
    save_together = right.form_submit_button("Save Together key", type="primary", icon=":material/save:")
if test_together:
    key = pasted_together if pasted_together.strip() or together_source is None else None
    jobs = run_action("Asking Together for your training runs…", lambda: together_key.try_key(settings, key))
    if jobs is not None:
        st.success(f"The key works: Together answered (your account has {jobs} training runs). It cost nothing.")
if save_together:
    with friendly_errors():
        together_key.check_key_format(pasted_together)
        tested = run_action("Checking the key with Together…", lambda: together_key.try_key(settings, pasted_together))
        if tested is not None:
            together_key.save_key(pasted_together)
            together_key.refresh(svc, Settings())
            st.session_state["settings_together_nonce"] = together_nonce + 1
            st.session_state["settings_notice"] = "Together key saved: it works. The Train page uses it now."
            st.rerun()
