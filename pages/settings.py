"""Settings: the Claude key (paste, test, save) and the models, on the embedded backend."""

from __future__ import annotations

import streamlit as st

from core.claude_key import (
    CONSOLE_URL,
    KeyTest,
    check_key_format,
    key_source,
    model_choices,
    save_key,
    save_models,
    try_key,
)
from core.scaffolding.fields import MAX_TOKENS_HELP
from core.settings import Settings
from core.training import together_key
from core.training.hosted import KEYS_URL
from pages._key_section import KeyWords, key_section
from pages._ui import friendly_errors, system_services

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


def _claude_tested(result: KeyTest) -> None:
    st.success(f"The key works. Claude ({result.model}) answered: “{result.answer}”", icon=":material/check:")
    st.caption(f"This test cost ${result.cost_usd:.5f}.")


def _save_claude_key(key: str) -> None:
    save_key(key)
    system_services()  # reads the saved key into the running app: every page uses it from now on


key_section(
    "settings_key",
    KeyWords(
        in_environment="A key is set in the server's environment and is in use. "
        "A key saved here is ignored while it is set.",
        saved="A key is saved. For your safety it is not shown again; paste a new one to replace it.",
        missing="No key yet: you can look around, but nothing can be generated.",
        missing_is_warning=True,
        link_label="Get a key from the Anthropic console",
        link_url=CONSOLE_URL,
        input_label="Your Claude key",
        placeholder="sk-ant-…",
        input_help="Copy it from the Anthropic console. It is saved on this computer only, and never shown again.",
        test_label="Test key",
        save_label="Save key",
        testing="Asking Claude for a one-line answer…",
        checking="Checking the key with Claude…",
    ),
    key_source(settings),
    try_key=lambda key: try_key(settings, key, svc=svc),
    check_format=check_key_format,
    save_key=_save_claude_key,
    show_tested=_claude_tested,
    saved_notice=lambda tested: (
        f"Key saved: it works (Claude answered for ${tested.cost_usd:.5f}). Every page uses it now."
    ),
    notice_key="settings_notice",
)

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


def _save_together_key(key: str) -> None:
    together_key.save_key(key)
    together_key.refresh(svc, Settings())


key_section(
    "settings_together",
    KeyWords(
        in_environment="A Together key is set in the server's environment and is in use.",
        saved="A Together key is saved. For your safety it is not shown again; paste a new one to replace it.",
        missing="No Together key yet: training on this computer still works.",
        link_label="Get a key from Together",
        link_url=KEYS_URL,
        input_label="Your Together key",
        input_help="Copy it from your Together account. It is saved on this computer only, and never shown again.",
        test_label="Test Together key",
        save_label="Save Together key",
        testing="Asking Together for your training runs…",
        checking="Checking the key with Together…",
    ),
    together_key.key_source(settings),
    try_key=lambda key: together_key.try_key(settings, key),
    check_format=together_key.check_key_format,
    save_key=_save_together_key,
    show_tested=lambda jobs: st.success(
        f"The key works: Together answered (your account has {jobs} training runs). It cost nothing."
    ),
    saved_notice=lambda _jobs: "Together key saved: it works. The Train page uses it now.",
    notice_key="settings_notice",
)
