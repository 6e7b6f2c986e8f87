"""Paths tests share. The reference files are copies of ``shared/reference`` (real files of the earlier system)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO_ROOT / "tests" / "fixtures" / "reference"
