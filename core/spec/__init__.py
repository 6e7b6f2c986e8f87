"""Spec splitter: split an integrated spec into build sections, write meta-prompts, build merge prompts.

Pure functions; pages and the CLI call these and nothing deeper.
"""

from core.spec.bundle import (
    SpecBundle,
    build_bundle,
    bundle_from_bytes,
    check_output_folder,
    existing_files,
    read_folder,
    read_text_file,
    read_zip,
    write_files,
    zip_bytes,
)
from core.spec.merge import (
    MERGE_FIELDS,
    OUTPUT_FIELD,
    MergeInput,
    build_merge_prompt,
    default_paths,
    fill_template,
    list_placeholders,
    named_placeholder_values,
)
from core.spec.meta_prompts import BASE_TEMPLATE_VARIABLES, build_meta_prompts, default_base_template
from core.spec.models import (
    META_PROMPTS_DIR,
    Complexity,
    Deliverables,
    Section,
    SectionStats,
    SplitResult,
    abbrev_from_file_name,
    check_abbrev,
)
from core.spec.parse import SECTION_PATTERN_TEXT, decode_spec, split_spec
from core.spec.section_files import split_outputs
from core.spec.stats import extract_deliverables, extract_overview, section_stats

__all__ = [
    "BASE_TEMPLATE_VARIABLES",
    "MERGE_FIELDS",
    "META_PROMPTS_DIR",
    "OUTPUT_FIELD",
    "SECTION_PATTERN_TEXT",
    "Complexity",
    "Deliverables",
    "MergeInput",
    "Section",
    "SectionStats",
    "SpecBundle",
    "SplitResult",
    "abbrev_from_file_name",
    "build_bundle",
    "build_merge_prompt",
    "build_meta_prompts",
    "bundle_from_bytes",
    "check_abbrev",
    "check_output_folder",
    "decode_spec",
    "default_base_template",
    "default_paths",
    "existing_files",
    "extract_deliverables",
    "extract_overview",
    "fill_template",
    "list_placeholders",
    "named_placeholder_values",
    "read_folder",
    "read_text_file",
    "read_zip",
    "section_stats",
    "split_outputs",
    "split_spec",
    "write_files",
    "zip_bytes",
]
