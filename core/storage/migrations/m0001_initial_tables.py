"""Every table of the data model: scaffolding, conversations, batch jobs and items, failures, logs, training files.

Frozen DDL (see ``core.storage.migrations``): this text never changes, whatever the models become. Columns
added later come with their own migration (``batch_items`` usage columns: m0003).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

TABLES = (
    "expert_profiles",
    "personas",
    "emotional_arcs",
    "training_topics",
    "prompt_templates",
    "conversations",
    "batch_jobs",
    "batch_items",
    "failed_generations",
    "generation_logs",
    "training_files",
    "training_file_conversations",
)

DDL = """
CREATE TABLE IF NOT EXISTS expert_profiles (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    profile_key TEXT NOT NULL, name TEXT NOT NULL, business TEXT NOT NULL, expertise TEXT NOT NULL,
    years_experience BIGINT NOT NULL, vertical TEXT NOT NULL, principles {json} NOT NULL, tone TEXT NOT NULL,
    techniques {json} NOT NULL, avoid {json} NOT NULL, is_active BOOLEAN NOT NULL, PRIMARY KEY (id),
    CONSTRAINT uq_expert_profiles_profile_key UNIQUE (profile_key)
);
CREATE TABLE IF NOT EXISTS personas (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    persona_key TEXT NOT NULL, name TEXT NOT NULL, archetype TEXT NOT NULL, age_range TEXT, occupation TEXT,
    income_range TEXT, demographics {json} NOT NULL, financial_background TEXT, financial_situation TEXT,
    communication_style TEXT, emotional_baseline TEXT, typical_questions {json} NOT NULL,
    common_concerns {json} NOT NULL, language_patterns {json} NOT NULL, is_active BOOLEAN NOT NULL,
    usage_count BIGINT NOT NULL, PRIMARY KEY (id), CONSTRAINT uq_personas_persona_key UNIQUE (persona_key)
);
CREATE TABLE IF NOT EXISTS emotional_arcs (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, arc_key TEXT NOT NULL,
    name TEXT NOT NULL, starting_emotion TEXT NOT NULL, ending_emotion TEXT NOT NULL,
    starting_intensity_min FLOAT NOT NULL, starting_intensity_max FLOAT NOT NULL,
    ending_intensity_min FLOAT NOT NULL, ending_intensity_max FLOAT NOT NULL, arc_strategy TEXT NOT NULL,
    key_principles {json} NOT NULL, characteristic_phrases {json} NOT NULL, response_techniques {json} NOT NULL,
    avoid_tactics {json} NOT NULL, typical_turn_count_min BIGINT NOT NULL, typical_turn_count_max BIGINT NOT NULL,
    complexity_baseline BIGINT NOT NULL, tier TEXT NOT NULL, conversation_category TEXT NOT NULL,
    suitable_personas {json} NOT NULL, suitable_topics {json} NOT NULL, is_active BOOLEAN NOT NULL,
    usage_count BIGINT NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_emotional_arcs_tier CHECK (tier IN ('template', 'scenario', 'edge_case')),
    CONSTRAINT ck_emotional_arcs_conversation_category CHECK (conversation_category IN ('core', 'edge')),
    CONSTRAINT uq_emotional_arcs_arc_key UNIQUE (arc_key)
);
CREATE TABLE IF NOT EXISTS training_topics (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    topic_key TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL, description TEXT NOT NULL,
    complexity_level TEXT NOT NULL, typical_question_examples {json} NOT NULL, key_concepts {json} NOT NULL,
    suitable_personas {json} NOT NULL, suitable_emotional_arcs {json} NOT NULL,
    requires_specialist BOOLEAN NOT NULL, is_active BOOLEAN NOT NULL, usage_count BIGINT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_training_topics_complexity_level CHECK (complexity_level IN ('beginner', 'intermediate',
        'advanced')),
    CONSTRAINT uq_training_topics_topic_key UNIQUE (topic_key)
);
CREATE TABLE IF NOT EXISTS prompt_templates (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    template_name TEXT NOT NULL, description TEXT NOT NULL, category TEXT NOT NULL, tier TEXT NOT NULL,
    emotional_arc_type TEXT NOT NULL, template_text TEXT NOT NULL, structure TEXT NOT NULL,
    suitable_personas {json} NOT NULL, suitable_topics {json} NOT NULL, methodology_principles {json} NOT NULL,
    quality_threshold FLOAT NOT NULL, rating FLOAT, version BIGINT NOT NULL, is_active BOOLEAN NOT NULL,
    usage_count BIGINT NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_prompt_templates_tier CHECK (tier IN ('template', 'scenario', 'edge_case')),
    CONSTRAINT uq_prompt_templates_template_name UNIQUE (template_name)
);
CREATE INDEX IF NOT EXISTS ix_prompt_templates_emotional_arc_type ON prompt_templates (emotional_arc_type);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    conversation_id TEXT NOT NULL, conversation_name TEXT NOT NULL, source TEXT NOT NULL, source_hash TEXT,
    job_id TEXT, expert_profile_id TEXT, persona_id TEXT, emotional_arc_id TEXT, training_topic_id TEXT,
    template_id TEXT, persona_key TEXT, emotional_arc_key TEXT, topic_key TEXT, tier TEXT NOT NULL, category TEXT,
    turn_count BIGINT NOT NULL, quality_score FLOAT, empathy_score FLOAT, clarity_score FLOAT,
    appropriateness_score FLOAT, brand_voice_alignment FLOAT, quality_details {json}, review_status TEXT NOT NULL,
    reviewed_by TEXT, reviewed_at {ts}, review_notes TEXT, processing_status TEXT NOT NULL,
    raw_response_path TEXT, raw_response_size BIGINT, raw_stored_at {ts}, parse_attempts BIGINT NOT NULL,
    parse_method_used TEXT, parse_error_message TEXT, requires_manual_review BOOLEAN NOT NULL,
    is_truncated BOOLEAN NOT NULL, truncation_pattern TEXT, file_path TEXT, file_size BIGINT,
    enrichment_status TEXT NOT NULL, validation_report {json}, enriched_file_path TEXT, enriched_file_size BIGINT,
    enriched_at {ts}, enrichment_version TEXT NOT NULL, enrichment_error TEXT, starting_emotion TEXT,
    ending_emotion TEXT, emotional_intensity_start FLOAT, emotional_intensity_end FLOAT, input_parameters {json},
    scaffolding_snapshot {json}, search_text TEXT NOT NULL, is_active BOOLEAN NOT NULL,
    PRIMARY KEY (conversation_id),
    CONSTRAINT ck_conversations_source CHECK (source IN ('generated', 'imported', 'demo')),
    CONSTRAINT ck_conversations_tier CHECK (tier IN ('template', 'scenario', 'edge_case')),
    CONSTRAINT ck_conversations_review_status CHECK (review_status IN ('pending_review', 'approved', 'rejected',
        'needs_revision', 'archived')),
    CONSTRAINT ck_conversations_processing_status CHECK (processing_status IN ('queued', 'generating', 'raw_stored',
        'parsed', 'parse_failed', 'failed')),
    CONSTRAINT ck_conversations_enrichment_status CHECK (enrichment_status IN ('not_started', 'validation_failed',
        'validated', 'enrichment_in_progress', 'enriched', 'normalization_failed', 'completed')),
    CONSTRAINT uq_conversations_id UNIQUE (id), CONSTRAINT uq_conversations_source_hash UNIQUE (source_hash)
);
CREATE INDEX IF NOT EXISTS ix_conversations_created_at ON conversations (created_at);
CREATE INDEX IF NOT EXISTS ix_conversations_created_by ON conversations (created_by);
CREATE INDEX IF NOT EXISTS ix_conversations_emotional_arc_key ON conversations (emotional_arc_key);
CREATE INDEX IF NOT EXISTS ix_conversations_enrichment_status ON conversations (enrichment_status);
CREATE INDEX IF NOT EXISTS ix_conversations_job_id ON conversations (job_id);
CREATE INDEX IF NOT EXISTS ix_conversations_persona_key ON conversations (persona_key);
CREATE INDEX IF NOT EXISTS ix_conversations_processing_status ON conversations (processing_status);
CREATE INDEX IF NOT EXISTS ix_conversations_quality_score ON conversations (quality_score);
CREATE INDEX IF NOT EXISTS ix_conversations_review_status ON conversations (review_status);
CREATE INDEX IF NOT EXISTS ix_conversations_topic_key ON conversations (topic_key);
CREATE TABLE IF NOT EXISTS batch_jobs (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, name TEXT NOT NULL,
    job_type TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL, mode TEXT NOT NULL, tier TEXT,
    total_items BIGINT NOT NULL, completed_items BIGINT NOT NULL, successful_items BIGINT NOT NULL,
    failed_items BIGINT NOT NULL, cancelled_items BIGINT NOT NULL, concurrency BIGINT NOT NULL,
    requests_per_minute BIGINT, input_tokens_per_minute BIGINT, output_tokens_per_minute BIGINT,
    error_handling TEXT NOT NULL, budget_usd FLOAT, cost_usd FLOAT NOT NULL, input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL, shared_parameters {json} NOT NULL, message_batch_ids {json} NOT NULL,
    stop_reason TEXT, started_at {ts}, completed_at {ts}, PRIMARY KEY (id),
    CONSTRAINT ck_batch_jobs_status CHECK (status IN ('queued', 'processing', 'paused', 'completed', 'failed',
        'cancelled')),
    CONSTRAINT ck_batch_jobs_priority CHECK (priority IN ('low', 'normal', 'high')),
    CONSTRAINT ck_batch_jobs_mode CHECK (mode IN ('online', 'message_batches')),
    CONSTRAINT ck_batch_jobs_tier CHECK (tier IN ('template', 'scenario', 'edge_case')),
    CONSTRAINT ck_batch_jobs_error_handling CHECK (error_handling IN ('stop', 'continue'))
);
CREATE INDEX IF NOT EXISTS ix_batch_jobs_created_by ON batch_jobs (created_by);
CREATE INDEX IF NOT EXISTS ix_batch_jobs_status ON batch_jobs (status);
CREATE TABLE IF NOT EXISTS batch_items (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, job_id TEXT NOT NULL,
    position BIGINT NOT NULL, status TEXT NOT NULL, parameters {json} NOT NULL, attempts BIGINT NOT NULL,
    lease_owner TEXT, lease_expires_at {ts}, conversation_id TEXT, failure_id TEXT, error_message TEXT,
    cost_usd FLOAT NOT NULL, started_at {ts}, finished_at {ts}, PRIMARY KEY (id),
    CONSTRAINT ck_batch_items_status CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT uq_batch_items_job_id_position UNIQUE (job_id, position)
);
CREATE INDEX IF NOT EXISTS ix_batch_items_conversation_id ON batch_items (conversation_id);
CREATE INDEX IF NOT EXISTS ix_batch_items_job_id ON batch_items (job_id);
CREATE INDEX IF NOT EXISTS ix_batch_items_status ON batch_items (status);
CREATE TABLE IF NOT EXISTS failed_generations (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, conversation_id TEXT,
    job_id TEXT, prompt TEXT NOT NULL, prompt_length BIGINT NOT NULL, system_prompt TEXT, model TEXT NOT NULL,
    max_tokens BIGINT NOT NULL, temperature FLOAT, structured_outputs_enabled BOOLEAN NOT NULL,
    raw_response {json} NOT NULL, response_content TEXT, stop_reason TEXT, input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL, failure_type TEXT NOT NULL, truncation_pattern TEXT, truncation_details TEXT,
    error_message TEXT, error_stack TEXT, raw_file_path TEXT, persona_id TEXT, emotional_arc_id TEXT,
    training_topic_id TEXT, template_id TEXT, PRIMARY KEY (id),
    CONSTRAINT ck_failed_generations_failure_type CHECK (failure_type IN ('truncation', 'parse_error', 'api_error',
        'validation_error'))
);
CREATE INDEX IF NOT EXISTS ix_failed_generations_created_at ON failed_generations (created_at);
CREATE INDEX IF NOT EXISTS ix_failed_generations_created_by ON failed_generations (created_by);
CREATE INDEX IF NOT EXISTS ix_failed_generations_failure_type ON failed_generations (failure_type);
CREATE INDEX IF NOT EXISTS ix_failed_generations_job_id ON failed_generations (job_id);
CREATE INDEX IF NOT EXISTS ix_failed_generations_stop_reason ON failed_generations (stop_reason);
CREATE INDEX IF NOT EXISTS ix_failed_generations_truncation_pattern ON failed_generations (truncation_pattern);
CREATE TABLE IF NOT EXISTS generation_logs (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, conversation_id TEXT,
    job_id TEXT, template_id TEXT, purpose TEXT NOT NULL, model TEXT NOT NULL, request_id TEXT,
    input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL, cost_usd FLOAT NOT NULL, latency_ms BIGINT NOT NULL, status TEXT NOT NULL,
    stop_reason TEXT, error_message TEXT, error_code TEXT, retry_attempt BIGINT NOT NULL, request_payload {json},
    response_payload {json}, PRIMARY KEY (id),
    CONSTRAINT ck_generation_logs_status CHECK (status IN ('success', 'failed', 'rate_limited', 'timeout'))
);
CREATE INDEX IF NOT EXISTS ix_generation_logs_conversation_id ON generation_logs (conversation_id);
CREATE INDEX IF NOT EXISTS ix_generation_logs_created_at ON generation_logs (created_at);
CREATE INDEX IF NOT EXISTS ix_generation_logs_job_id ON generation_logs (job_id);
CREATE TABLE IF NOT EXISTS training_files (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, name TEXT NOT NULL,
    description TEXT, storage_bucket TEXT NOT NULL, json_file_path TEXT NOT NULL, jsonl_file_path TEXT NOT NULL,
    conversation_count BIGINT NOT NULL, total_training_pairs BIGINT NOT NULL, json_file_size BIGINT,
    jsonl_file_size BIGINT, avg_quality_score FLOAT, min_quality_score FLOAT, max_quality_score FLOAT,
    human_reviewed_count BIGINT NOT NULL, scaffolding_distribution {json} NOT NULL, status TEXT NOT NULL,
    last_updated_at {ts} NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_training_files_status CHECK (status IN ('active', 'archived', 'processing', 'failed')),
    CONSTRAINT uq_training_files_name UNIQUE (name)
);
CREATE INDEX IF NOT EXISTS ix_training_files_created_by ON training_files (created_by);
CREATE INDEX IF NOT EXISTS ix_training_files_status ON training_files (status);
CREATE TABLE IF NOT EXISTS training_file_conversations (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    training_file_id TEXT NOT NULL, conversation_id TEXT NOT NULL, added_by TEXT, PRIMARY KEY (id),
    CONSTRAINT uq_training_file_conversations_training_file_id_conversation_id UNIQUE (training_file_id, conversation_id)
);
CREATE INDEX IF NOT EXISTS ix_training_file_conversations_conversation_id ON training_file_conversations
    (conversation_id);
"""


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
