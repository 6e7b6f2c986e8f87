"""Row-level security and the Supabase-side pieces (Postgres only; a no-op on SQLite).

Who reaches what (``uid`` = ``auth.uid()``, the signed-in user's id from the per-transaction claims):

- Owner tables (conversations, batch jobs, failed generations, generation logs): a user reaches rows whose
  ``created_by`` is their id. Rows inserted without ``created_by`` are stamped with it by a trigger.
- Reviewers (claim ``app_metadata.role`` or ``app_role`` = ``reviewer``) read every conversation (and every
  failed generation) and may UPDATE other people's conversations, but only the review fields
  (``REVIEW_COLUMNS``); a trigger refuses any other change. Review records (history, ratings, revisions,
  grades) are reachable by reviewers and by the owner of the conversation they belong to.
- Batch items and batch log lines follow their job; training-file memberships follow their file.
- Training files are readable by every signed-in user and changed only by their owner.
- Scaffolding: the shared defaults (``created_by`` NULL, seeded by the service role) are readable by every
  signed-in user and changed by nobody but the service role; a user's own scaffolding is theirs alone.

The owner connection (workers, ``db upgrade``) and ``service_role`` bypass RLS: tables are not FORCEd.
On a plain Postgres (tests) the roles ``anon``/``authenticated``/``service_role`` and the ``auth.uid()`` /
``auth.jwt()`` functions are created the way Supabase defines them; on Supabase they exist and are left
alone. When a ``storage`` schema exists (Supabase) the private buckets of ``core.storage.blobs`` are added.
Tables a later migration adds need their own RLS migration; tables listed here but missing are skipped.
Frozen DDL (see ``core.storage.migrations``): later changes to these rules go in a new migration.
"""

from __future__ import annotations

import sqlalchemy as sa

# Frozen copies of the bucket names of ``core.storage.blobs`` at the time of this migration.
CONVERSATION_FILES = "conversation-files"
TRAINING_FILES = "training-files"
BUCKETS = (CONVERSATION_FILES, TRAINING_FILES, "failed-generation-files", "batch-logs")

OWNER_TABLES = ("conversations", "batch_jobs", "failed_generations", "generation_logs")
SCAFFOLDING_TABLES = ("expert_profiles", "personas", "emotional_arcs", "training_topics", "prompt_templates")
REVIEW_TABLES = ("review_actions", "turn_ratings", "turn_revisions", "review_grades")
CHILD_TABLES = {  # table -> (its parent key column, parent table, parent id column)
    "batch_items": ("job_id", "batch_jobs", "id"),
    "batch_logs": ("job_id", "batch_jobs", "id"),
    "training_file_conversations": ("training_file_id", "training_files", "id"),
}
#: Every table this migration protects.
COVERED = (*OWNER_TABLES, *SCAFFOLDING_TABLES, *REVIEW_TABLES, *CHILD_TABLES, "training_files")
#: What a reviewer may change on someone else's conversation.
REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "review_notes", "updated_at")

UID = "(auth.uid())::text"
REVIEWER = "public.brightrun_is_reviewer()"

_ROLES = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
END $$;
"""
# Supabase's own definitions (supabase/postgres, auth schema); created only where they are missing.
_AUTH_FUNCTIONS = {
    "uid": """CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$""",
    "jwt": """CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$""",
    "role": """CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $$""",
}
# app_metadata is set only by the service role (users cannot edit it, unlike user_metadata).
_IS_REVIEWER = """CREATE OR REPLACE FUNCTION public.brightrun_is_reviewer() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(auth.jwt() ->> 'app_role', auth.jwt() -> 'app_metadata' ->> 'role', '') = 'reviewer' $$"""
_STAMP_OWNER = """CREATE OR REPLACE FUNCTION public.brightrun_stamp_owner() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF NEW.created_by IS NULL AND current_user = 'authenticated' THEN NEW.created_by := (auth.uid())::text; END IF;
  RETURN NEW;
END $$"""
_REVIEW_ONLY = f"""CREATE OR REPLACE FUNCTION public.brightrun_review_fields_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF current_user = 'authenticated' AND OLD.created_by IS DISTINCT FROM {UID}
     AND (to_jsonb(NEW) - ARRAY[{", ".join(f"'{c}'" for c in REVIEW_COLUMNS)}])
         IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{", ".join(f"'{c}'" for c in REVIEW_COLUMNS)}]) THEN
    RAISE EXCEPTION 'reviewers may change only the review fields of another user''s conversation'
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""


def _exists(conn: sa.Connection, sql: str, **params: str) -> bool:
    """True when the query returns a non-NULL first value (``to_regclass`` gives NULL for a missing name)."""
    return conn.execute(sa.text(sql), params).scalar() is not None


def _table_exists(conn: sa.Connection, name: str, schema: str = "public") -> bool:
    return _exists(conn, "SELECT to_regclass(:name)", name=f"{schema}.{name}")


def _policy(conn: sa.Connection, table: str, name: str, body: str, *, schema: str = "public") -> None:
    """CREATE POLICY unless one of that name is already there (so a re-run changes nothing)."""
    found = "SELECT 1 FROM pg_policies WHERE schemaname = :s AND tablename = :t AND policyname = :n"
    if not _exists(conn, found, s=schema, t=table, n=name):
        conn.execute(sa.text(f'CREATE POLICY "{name}" ON {schema}.{table} {body}'))


def _trigger(conn: sa.Connection, table: str, name: str, when: str, function: str) -> None:
    found = "SELECT 1 FROM pg_trigger WHERE tgname = :n AND tgrelid = to_regclass(:t)"
    if not _exists(conn, found, n=name, t=f"public.{table}"):
        conn.execute(
            sa.text(f"CREATE TRIGGER {name} {when} ON public.{table} FOR EACH ROW EXECUTE FUNCTION {function}")
        )


def _auth_pieces(conn: sa.Connection) -> None:
    conn.execute(sa.text(_ROLES))
    # On Supabase the auth schema belongs to Supabase Auth: touch it only where it is missing (plain Postgres).
    if not _exists(conn, "SELECT to_regnamespace('auth')"):
        conn.execute(sa.text("CREATE SCHEMA auth"))
        conn.execute(sa.text("GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role"))
    for name, ddl in _AUTH_FUNCTIONS.items():
        if not _exists(conn, "SELECT to_regprocedure(:f)", f=f"auth.{name}()"):
            conn.execute(sa.text(ddl))
    conn.execute(sa.text("GRANT USAGE ON SCHEMA public TO authenticated, service_role"))
    for ddl in (_IS_REVIEWER, _STAMP_OWNER, _REVIEW_ONLY):
        conn.execute(sa.text(ddl))


def _protect(conn: sa.Connection, table: str) -> None:
    conn.execute(sa.text(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON public.{table} TO authenticated"))
    conn.execute(sa.text(f"GRANT ALL ON public.{table} TO service_role"))
    has_owner = "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = :t AND column_name = 'created_by'"
    if _exists(conn, has_owner, t=table):
        _trigger(conn, table, "brightrun_stamp_owner", "BEFORE INSERT", "public.brightrun_stamp_owner()")


def _table_policies(conn: sa.Connection, table: str) -> None:
    mine = f"created_by = {UID}"
    to = "TO authenticated"
    if table in OWNER_TABLES or table == "training_files":
        _policy(conn, table, "owner_all", f"FOR ALL {to} USING ({mine}) WITH CHECK ({mine})")
    if table in ("conversations", "failed_generations"):
        _policy(conn, table, "reviewer_select", f"FOR SELECT {to} USING ({REVIEWER})")
    if table == "conversations":
        _policy(conn, table, "reviewer_update", f"FOR UPDATE {to} USING ({REVIEWER}) WITH CHECK ({REVIEWER})")
        _trigger(conn, table, "brightrun_review_fields_only", "BEFORE UPDATE", "public.brightrun_review_fields_only()")
    if table == "training_files":
        _policy(conn, table, "signed_in_select", f"FOR SELECT {to} USING (true)")
    if table in SCAFFOLDING_TABLES:
        _policy(conn, table, "shared_or_own_select", f"FOR SELECT {to} USING (created_by IS NULL OR {mine})")
        _policy(conn, table, "own_insert", f"FOR INSERT {to} WITH CHECK ({mine})")
        _policy(conn, table, "own_update", f"FOR UPDATE {to} USING ({mine}) WITH CHECK ({mine})")
        _policy(conn, table, "own_delete", f"FOR DELETE {to} USING ({mine})")
    if table in REVIEW_TABLES:
        owns = f"EXISTS (SELECT 1 FROM public.conversations c WHERE c.conversation_id = {table}.conversation_id AND c.created_by = {UID})"
        rule = f"{REVIEWER} OR {owns}"
        _policy(conn, table, "reviewer_or_owner_all", f"FOR ALL {to} USING ({rule}) WITH CHECK ({rule})")
    if table in CHILD_TABLES:
        column, parent, parent_id = CHILD_TABLES[table]
        owns = (
            f"EXISTS (SELECT 1 FROM public.{parent} p WHERE p.{parent_id} = {table}.{column} AND p.created_by = {UID})"
        )
        _policy(conn, table, "parent_owner_all", f"FOR ALL {to} USING ({owns}) WITH CHECK ({owns})")
        if table == "training_file_conversations":
            _policy(conn, table, "signed_in_select", f"FOR SELECT {to} USING (true)")


def _storage(conn: sa.Connection) -> None:
    """Private buckets and owner-folder policies, when this Postgres has Supabase Storage's schema."""
    if not _table_exists(conn, "buckets", "storage"):
        return
    for bucket in BUCKETS:
        conn.execute(
            sa.text(
                "INSERT INTO storage.buckets (id, name, public) VALUES (:b, :b, false) ON CONFLICT (id) DO NOTHING"
            ),
            {"b": bucket},
        )
    # conversation-files: '{uid}/…' and 'raw/{uid}/…' belong to uid. Training files: read by signed-in users.
    # The other buckets are for the service role only (no policy means no access for users).
    own = (
        f"bucket_id = '{CONVERSATION_FILES}' AND ((storage.foldername(name))[1] = {UID}"
        f" OR ((storage.foldername(name))[1] = 'raw' AND (storage.foldername(name))[2] = {UID}))"
    )
    policies = {
        "brightrun_conversation_files_owner": f"FOR ALL TO authenticated USING ({own}) WITH CHECK ({own})",
        "brightrun_training_files_read": f"FOR SELECT TO authenticated USING (bucket_id = '{TRAINING_FILES}')",
    }
    for name, body in policies.items():
        # Some hosted projects do not let the migration role add policies on storage.objects: say so, go on.
        conn.execute(sa.text("SAVEPOINT storage_policy"))
        try:
            _policy(conn, "objects", name, body, schema="storage")
            conn.execute(sa.text("RELEASE SAVEPOINT storage_policy"))
        except sa.exc.DBAPIError:
            conn.execute(sa.text("ROLLBACK TO SAVEPOINT storage_policy"))


def upgrade(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    _auth_pieces(conn)
    for table in COVERED:
        if _table_exists(conn, table):
            _protect(conn, table)
            _table_policies(conn, table)
    _storage(conn)
