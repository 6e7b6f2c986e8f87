"""Money and access at the edges: the owner's regenerate, the reviewer's name, training-file members,
grants, demo spend.

Both backends:

- ``review_actions.action`` gains ``replaced``: the history line of a conversation its owner replaced
  with a new attempt (Regenerate). It is an owner's action, not a review decision.
- ``generation_logs.is_demo``: the demo's model-call rows are marked, so costs never count them as spend.

Postgres only (what a signed-in user, role ``authenticated``, may do; system work is unaffected):

- Regenerate: the owner of a conversation may archive it, and only that (status to ``archived``, no other
  review field), and only once a newer attempt of theirs names it in ``regenerated_from``.
- The reviewer's name is the signed-in user's: decisions and history lines (``performed_by``), turn
  ratings (``rated_by``), grades (``graded_by``), turn edits (``edited_by``) and a conversation's
  ``reviewed_by`` are stamped from the JWT (its email, else the user id) when left empty and refused when
  they name anyone else.
- Training-file members: a user may add (or change a member to) only a conversation they can read
  (their own; a reviewer reads every one). The check is a restrictive policy evaluated under the user's
  own row-level security, so another user's conversation and a conversation that does not exist are
  refused alike: nothing tells them apart.
- Grants: ``spec_projects`` loses what m0006 took from every other table (``anon`` keeps nothing,
  ``authenticated`` loses ``TRUNCATE``, ``REFERENCES``, ``TRIGGER``), and the default privileges of the
  migrating role change the same way, so a table a later migration creates starts narrowed too.

Frozen DDL (see ``core.storage.migrations``).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations import ddl

ACTIONS = (
    "approved",
    "rejected",
    "revision_requested",
    "archived",
    "moved_to_review",
    "turn_edited",
    "turn_rated",
    "graded",
    "enrichment_requested",
    "added_to_training_file",
    "replaced",
)
UID = "(auth.uid())::text"
REVIEWER = "public.brightrun_is_reviewer()"
#: table -> the column naming who did it
STAMPED = {
    "review_actions": "performed_by",
    "turn_ratings": "rated_by",
    "review_grades": "graded_by",
    "turn_revisions": "edited_by",
}

_SIGNED_IN_NAME = """CREATE OR REPLACE FUNCTION public.brightrun_signed_in_name() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(auth.jwt() ->> 'email', ''), (auth.uid())::text) $$"""

_STAMP_REVIEWER = """CREATE OR REPLACE FUNCTION public.brightrun_stamp_reviewer() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  me text := public.brightrun_signed_in_name();
  given text := to_jsonb(NEW) ->> TG_ARGV[0];
BEGIN
  IF current_user <> 'authenticated' THEN RETURN NEW; END IF;
  IF coalesce(given, '') = '' THEN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], me));
  ELSIF given IS DISTINCT FROM me THEN
    RAISE EXCEPTION 'a review is recorded under the signed-in reviewer''s own name'
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""

_CONVERSATION_GUARD = """CREATE OR REPLACE FUNCTION public.brightrun_conversation_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  owner_dirs text[] := ARRAY[NEW.created_by || '/', 'raw/' || NEW.created_by || '/'];
BEGIN
  IF current_user <> 'authenticated' THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' AND NOT public.brightrun_is_reviewer() THEN
    NEW.review_status := 'pending_review';
    NEW.reviewed_by := NULL;
    NEW.reviewed_at := NULL;
    NEW.review_notes := NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND NOT public.brightrun_is_reviewer()
     AND (NEW.review_status, NEW.reviewed_by, NEW.reviewed_at, NEW.review_notes)
         IS DISTINCT FROM (OLD.review_status, OLD.reviewed_by, OLD.reviewed_at, OLD.review_notes)
     AND NOT (
       -- The owner archives an attempt they replaced (Regenerate): the status only, once a newer attempt
       -- of theirs names it.
       OLD.created_by = (auth.uid())::text AND NEW.review_status = 'archived'
       AND OLD.review_status IS DISTINCT FROM 'archived'
       AND (NEW.reviewed_by, NEW.reviewed_at, NEW.review_notes)
           IS NOT DISTINCT FROM (OLD.reviewed_by, OLD.reviewed_at, OLD.review_notes)
       AND EXISTS (SELECT 1 FROM public.conversations n
                   WHERE n.regenerated_from = OLD.conversation_id AND n.created_by = OLD.created_by)) THEN
    RAISE EXCEPTION 'only reviewers decide on a conversation (its review fields)' USING ERRCODE = '42501';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.reviewed_by IS NOT NULL AND NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by
     AND NEW.reviewed_by IS DISTINCT FROM public.brightrun_signed_in_name() THEN
    RAISE EXCEPTION 'a review is recorded under the signed-in reviewer''s own name'
      USING ERRCODE = '42501';
  END IF;
  IF (TG_OP = 'INSERT' OR NEW.file_path IS DISTINCT FROM OLD.file_path)
       AND NOT public.brightrun_path_ok(NEW.file_path, owner_dirs)
     OR (TG_OP = 'INSERT' OR NEW.raw_response_path IS DISTINCT FROM OLD.raw_response_path)
       AND NOT public.brightrun_path_ok(NEW.raw_response_path, owner_dirs)
     OR (TG_OP = 'INSERT' OR NEW.enriched_file_path IS DISTINCT FROM OLD.enriched_file_path)
       AND NOT public.brightrun_path_ok(NEW.enriched_file_path, owner_dirs) THEN
    RAISE EXCEPTION 'a conversation''s files must stay in its owner''s folder' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""

#: Evaluated as the signed-in user, so their row-level security on conversations decides what they can read.
_READABLE_MEMBER = (
    "EXISTS (SELECT 1 FROM public.conversations c"
    " WHERE c.conversation_id = training_file_conversations.conversation_id)"
)


def _policy(conn: sa.Connection, table: str, name: str, body: str) -> None:
    conn.exec_driver_sql(f'DROP POLICY IF EXISTS "{name}" ON public.{table}')
    conn.exec_driver_sql(f'CREATE POLICY "{name}" ON public.{table} {body}')


def _postgres(conn: sa.Connection) -> None:
    for function in (_SIGNED_IN_NAME, _STAMP_REVIEWER, _CONVERSATION_GUARD):
        conn.exec_driver_sql(function)
    for table, column in STAMPED.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS brightrun_stamp_reviewer ON public.{table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER brightrun_stamp_reviewer BEFORE INSERT OR UPDATE ON public.{table}"
            f" FOR EACH ROW EXECUTE FUNCTION public.brightrun_stamp_reviewer('{column}')"
        )
    members = "training_file_conversations"
    _policy(
        conn,
        members,
        "member_readable_insert",
        f"AS RESTRICTIVE FOR INSERT TO authenticated WITH CHECK ({_READABLE_MEMBER})",
    )
    _policy(
        conn,
        members,
        "member_readable_update",
        f"AS RESTRICTIVE FOR UPDATE TO authenticated USING (true) WITH CHECK ({_READABLE_MEMBER})",
    )
    conn.exec_driver_sql("REVOKE ALL ON public.spec_projects FROM anon")
    conn.exec_driver_sql("REVOKE TRUNCATE, REFERENCES, TRIGGER ON public.spec_projects FROM authenticated")
    # Tables made later by this role start without Supabase's broad defaults (each still grants what it needs).
    conn.exec_driver_sql("ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon")
    conn.exec_driver_sql(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE TRUNCATE, REFERENCES, TRIGGER ON TABLES FROM authenticated"
    )


def upgrade(conn: sa.Connection) -> None:
    ddl.set_check(conn, "review_actions", "action", ACTIONS)
    ddl.add_column(conn, "generation_logs", "is_demo BOOLEAN DEFAULT false NOT NULL")
    if conn.dialect.name == "postgresql":
        _postgres(conn)
