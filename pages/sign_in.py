"""Sign in with email and password through Supabase Auth; on the embedded backend there is no sign-in."""

from __future__ import annotations

import streamlit as st

from core.auth import SupabaseAuth
from pages._ui import run_action, sign_out, signed_in_user, system_services

settings = system_services().settings
st.title("Sign in")

if settings.backend != "supabase":
    st.info("This app runs on the embedded backend (SQLite + files on this machine): there is no sign-in.")
    st.stop()

user = signed_in_user()
if user is not None:
    role = " (reviewer)" if user.role == "reviewer" else ""
    st.success(f"Signed in as {user.email or user.id}{role}.", icon=":material/verified_user:")
    if st.button("Sign out", key="sign_in_sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()
    st.stop()

st.caption("Use the email and password of your account in this Supabase project.")
with st.form("sign_in_form"):
    email = st.text_input("Email", key="sign_in_email", autocomplete="email")
    password = st.text_input("Password", key="sign_in_password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", key="sign_in_submit", type="primary", icon=":material/login:")

if submitted:
    session = run_action("Signing in…", lambda: SupabaseAuth.from_settings(settings).sign_in(email, password))
    if session is not None:
        st.session_state["auth_session"] = session
        st.session_state["auth_user"] = session.user.model_dump()
        st.session_state.pop("_scoped_services", None)
        st.rerun()
