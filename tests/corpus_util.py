"""Test helpers: a mixed source folder (real sample, variant articles, bad files) and table comparison."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from tests.conftest import FIXTURES, SAMPLE
from transforms import schema

# Columns that legitimately differ between two runs producing the same rows.
VOLATILE = {"run_id", "rejected_at"}
DATA_TABLES = [spec.name for spec in schema.ALL_TABLES if spec.name != "runs"]


def build_source(root: Path) -> Path:
    """Sample + every accepted variant + the facts fixtures + a few bad files, in nested folders."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE, root / SAMPLE.name)
    for folder, pattern in (("variants", "articles/*.txt"), ("facts", "facts/*.txt")):
        target = root / folder
        target.mkdir(exist_ok=True)
        for path in sorted(FIXTURES.glob(pattern)):
            if path.name != "sample_seed.txt":
                shutil.copy(path, target / path.name)
    bad = root / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "no_date.txt").write_text("政治\n\n標題\n\n內文。\n", encoding="utf-8")
    return root


def table_contents(dest: Path | str, tables: list[str] | None = None, ignore: set[str] = frozenset()) -> dict[str, pd.DataFrame]:
    """Every data table at its latest version, volatile columns dropped, rows sorted: comparable across runs."""
    from flows import store

    out = {}
    for name in tables or DATA_TABLES:
        frame = store.read_table(str(dest), name).to_pandas()
        frame = frame[[c for c in frame.columns if c not in VOLATILE | ignore]]
        for column in frame.columns:  # lists (reporters, image_credits) are not sortable/hashable: compare as text
            if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
                frame[column] = frame[column].map(lambda v: repr(list(v)) if v is not None else None)
        frame = frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)
        out[name] = frame
    return out


def assert_same_tables(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_dtype=False, obj=name)
