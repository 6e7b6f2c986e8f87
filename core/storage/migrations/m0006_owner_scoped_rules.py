"""Many users: uniqueness per owner, storage paths users cannot redirect, the review gate, a locked-down
``schema_migrations``.

Both backends: ``conversations.source_hash`` and the names/keys of scaffolding and training files were unique
across all users; now each owner has their own set (``UNIQUE (created_by, key)``), and rows without an owner
(shared scaffolding, the embedded backend) stay unique among themselves (a partial index). SQLite drops the
old constraints by rebuilding the table (``ddl.drop_constraint``).

Postgres only (what a signed-in user, role ``authenticated``, may do; system work is unaffected):

- Storage paths: a path column a user writes must lie under the row owner's folder (conversation files:
  ``{owner}/…`` or ``raw/{owner}/…``; a training file: ``{file id}/…`` in ``training-files``; a failure report
  names its failure id). A user can no longer point a row at someone else's files.
- Review gate: only reviewers change ``review_status``, ``reviewed_by``, ``reviewed_at`` and ``review_notes``.
  A conversation a plain user inserts starts as ``pending_review`` whatever they send.
- History (``review_actions``, ``turn_revisions``) is append-only for every user, reviewers included; owners
  append only non-decision lines. Ratings and grades are written by reviewers; owners read them.
- ``schema_migrations`` has row-level security and no grants for ``anon``/``authenticated``; ``anon`` keeps
  no grant on any app table (Supabase grants every new table to ``anon`` by default), and ``authenticated``
  loses ``TRUNCATE`` (which row-level security does not cover), ``REFERENCES`` and ``TRIGGER``.

Frozen DDL (see ``core.storage.migrations``).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations import ddl

#: table -> (the old global unique constraint, the key column)
OWNER_KEYS = {
    "conversations": ("uq_conversations_source_hash", "source_hash"),
    "expert_profiles": ("uq_expert_profiles_profile_key", "profile_key"),
    "personas": ("uq_personas_persona_key", "persona_key"),
    "emotional_arcs": ("uq_emotional_arcs_arc_key", "arc_key"),
    "training_topics": ("uq_training_topics_topic_key", "topic_key"),
    "prompt_templates": ("uq_prompt_templates_template_name", "template_name"),
    "training_files": ("uq_training_files_name", "name"),
}
APP_TABLES = (*OWNER_KEYS, "batch_jobs", "batch_items", "batch_logs", "failed_generations", "generation_logs")
APP_TABLES += ("training_file_conversations", "review_actions", "turn_ratings", "turn_revisions", "review_grades")
REVIEWER = "public.brightrun_is_reviewer()"
UID = "(auth.uid())::text"
DECISIONS = "('approved', 'rejected', 'revision_requested', 'archived', 'moved_to_review')"

_PATH_OK = """CREATE OR REPLACE FUNCTION public.brightrun_path_ok(path text, prefixes text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(path, '') = '' OR (position('..' in path) = 0
    AND EXISTS (SELECT 1 FROM unnest(prefixes) p WHERE p IS NOT NULL AND left(path, length(p)) = p)) $$"""

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
         IS DISTINCT FROM (OLD.review_status, OLD.reviewed_by, OLD.reviewed_at, OLD.review_notes) THEN
    RAISE EXCEPTION 'only reviewers decide on a conversation (its review fields)' USING ERRCODE = '42501';
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

_TRAINING_FILE_GUARD = """CREATE OR REPLACE FUNCTION public.brightrun_training_file_guard() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF current_user = 'authenticated' AND (
       NEW.storage_bucket <> 'training-files'
       OR NOT public.brightrun_path_ok(NEW.json_file_path, ARRAY[NEW.id || '/'])
       OR NOT public.brightrun_path_ok(NEW.jsonl_file_path, ARRAY[NEW.id || '/'])) THEN
    RAISE EXCEPTION 'a training file''s files must stay in its own folder' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""

_FAILURE_GUARD = """CREATE OR REPLACE FUNCTION public.brightrun_failure_guard() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF current_user = 'authenticated' AND NEW.raw_file_path IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.raw_file_path IS DISTINCT FROM OLD.raw_file_path)
     AND (position('..' in NEW.raw_file_path) > 0
          OR position('/failed-' || NEW.id || '-' in NEW.raw_file_path) = 0) THEN
    RAISE EXCEPTION 'a failure report path must name its own failure' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""

# BEFORE triggers fire in name order: these come after ``brightrun_stamp_owner`` (m0004) has set the owner.
_TRIGGERS = {  # name -> (table, function)
    "brightrun_validate_conversation": ("conversations", "public.brightrun_conversation_guard()"),
    "brightrun_validate_training_file": ("training_files", "public.brightrun_training_file_guard()"),
    "brightrun_validate_failure": ("failed_generations", "public.brightrun_failure_guard()"),
}


def _owner_uniqueness(conn: sa.Connection) -> None:
    for table, (old, column) in OWNER_KEYS.items():
        ddl.drop_constraint(conn, table, old)
        conn.exec_driver_sql(
            f"CREATE UNIQUE INDEX IF NOT EXISTS uq_{table}_owner_{column} ON {table} (created_by, {column})"
        )
        conn.exec_driver_sql(
            f"CREATE UNIQUE INDEX IF NOT EXISTS uq_{table}_unowned_{column} ON {table} ({column})"
            " WHERE created_by IS NULL"
        )


def _policy(conn: sa.Connection, table: str, name: str, body: str) -> None:
    conn.exec_driver_sql(f'DROP POLICY IF EXISTS "{name}" ON public.{table}')
    conn.exec_driver_sql(f'CREATE POLICY "{name}" ON public.{table} {body}')


def _review_history(conn: sa.Connection) -> None:
    """History is append-only; decisions are the reviewers'; ratings and grades are written by reviewers."""
    for table in ("review_actions", "turn_revisions", "turn_ratings", "review_grades"):
        owns = (
            "EXISTS (SELECT 1 FROM public.conversations c"
            f" WHERE c.conversation_id = {table}.conversation_id AND c.created_by = {UID})"
        )
        conn.exec_driver_sql(f'DROP POLICY IF EXISTS "reviewer_or_owner_all" ON public.{table}')
        _policy(conn, table, "reviewer_or_owner_select", f"FOR SELECT TO authenticated USING ({REVIEWER} OR {owns})")
        if table in ("review_actions", "turn_revisions"):
            conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON public.{table} FROM authenticated")
            _policy(conn, table, "reviewer_insert", f"FOR INSERT TO authenticated WITH CHECK ({REVIEWER})")
            owner_line = f"{owns} AND action NOT IN {DECISIONS}" if table == "review_actions" else owns
            _policy(conn, table, "owner_insert", f"FOR INSERT TO authenticated WITH CHECK ({owner_line})")
        else:
            _policy(
                conn, table, "reviewer_write", f"FOR ALL TO authenticated USING ({REVIEWER}) WITH CHECK ({REVIEWER})"
            )


def _postgres(conn: sa.Connection) -> None:
    for function in (_PATH_OK, _CONVERSATION_GUARD, _TRAINING_FILE_GUARD, _FAILURE_GUARD):
        conn.exec_driver_sql(function)
    for name, (table, function) in _TRIGGERS.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON public.{table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON public.{table} FOR EACH ROW EXECUTE FUNCTION {function}"
        )
    _review_history(conn)
    conn.exec_driver_sql("ALTER TABLE public.schema_migrations ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql("REVOKE ALL ON public.schema_migrations FROM PUBLIC, anon, authenticated")
    for table in APP_TABLES:
        conn.exec_driver_sql(f"REVOKE ALL ON public.{table} FROM anon")
        # TRUNCATE ignores row-level security; Supabase's default grants include it.
        conn.exec_driver_sql(f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON public.{table} FROM authenticated")


def upgrade(conn: sa.Connection) -> None:
    _owner_uniqueness(conn)
    if conn.dialect.name == "postgresql":
        _postgres(conn)
