"""One key's section on Settings (the Claude key, the Together key): whether a key is in use, where to get
one, and a box to paste it into, test it and save it. A key is saved only once it has worked, and the box is
new after each save, so a saved key is never shown again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from pages._ui import friendly_errors, run_action

T = TypeVar("T")


@dataclass(frozen=True)
class KeyWords:
    """What one key's section says, in its own words."""

    in_environment: str  # a key set in the server's environment is in use
    saved: str  # a key was saved here
    missing: str  # no key yet, and what that means
    link_label: str
    link_url: str
    input_label: str
    input_help: str
    test_label: str
    save_label: str
    testing: str  # while the pasted (or saved) key is tried
    checking: str  # while the key about to be saved is tried
    placeholder: str | None = None
    missing_is_warning: bool = False  # without this key nothing works (else: it is an option)


def key_section(
    form: str,
    words: KeyWords,
    source: str | None,
    *,
    try_key: Callable[[str | None], T],
    check_format: Callable[[str], object],
    save_key: Callable[[str], None],
    show_tested: Callable[[T], object],
    saved_notice: Callable[[T], str],
    notice_key: str,
) -> None:
    """The section of one key; ``source`` says where the key in use comes from ("environment", "file", none).
    After a save, ``saved_notice`` goes into ``st.session_state[notice_key]`` for the page to say after rerun."""
    if source == "environment":
        st.success(words.in_environment)
    elif source == "file":
        st.success(words.saved)
    elif words.missing_is_warning:
        st.warning(words.missing, icon=":material/key_off:")
    else:
        st.info(words.missing, icon=":material/key_off:")
    st.link_button(words.link_label, words.link_url, icon=":material/open_in_new:")

    nonce = st.session_state.get(f"{form}_nonce", 0)  # a new box after each save: the key is never shown again
    with st.form(form):
        pasted = st.text_input(
            words.input_label,
            type="password",
            key=f"{form}_input_{nonce}",
            placeholder=words.placeholder,
            help=words.input_help,
        )
        left, right = st.columns(2)
        test_clicked = left.form_submit_button(words.test_label, icon=":material/bolt:")
        save_clicked = right.form_submit_button(words.save_label, type="primary", icon=":material/save:")

    if test_clicked:
        # Test the pasted key, or the saved one when nothing was pasted.
        key = pasted if pasted.strip() or source is None else None
        result = run_action(words.testing, lambda: try_key(key))
        if result is not None:
            show_tested(result)
    if save_clicked:
        with friendly_errors():
            check_format(pasted)  # a plain answer for an empty or mistyped key, before any call
            tested = run_action(words.checking, lambda: try_key(pasted))
            if tested is not None:  # a key that is refused is not saved
                save_key(pasted)
                st.session_state[f"{form}_nonce"] = nonce + 1
                st.session_state[notice_key] = saved_notice(tested)
                st.rerun()
