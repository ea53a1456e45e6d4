"""flows.delta_files: what the commit records of a staged file is what its footer says."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows.delta_files import file_stats, statistics_columns, write_parquet_with_facts
from flows.store import storage_schema
from tests.conftest import FIXTURES
from transforms import schema
from transforms.article import process_batch
from transforms.model import RawFile


@pytest.fixture(scope="module")
def tables() -> dict:
    raws = []
    for path in sorted((FIXTURES / "articles").glob("*.txt"))[:6]:
        data = path.read_bytes()
        raws.append(RawFile(path.stem, path.as_uri(), data, hashlib.sha256(data).hexdigest(), len(data),
                            dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    return process_batch(raws, "run", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)).tables


@pytest.mark.parametrize("name", [spec.name for spec in (*schema.CONTENT_TABLES, schema.ARTICLES)])
def test_facts_recorded_at_writing_equal_those_read_back(tables: dict, name: str, tmp_path: Path) -> None:
    spec = schema.TABLES[name]
    table = tables[name].cast(storage_schema(spec))
    assert table.num_rows > 0
    path = str(tmp_path / "part.parquet")
    rows, stats = write_parquet_with_facts(table, path, spec.article_key)
    assert rows == table.num_rows
    assert stats == file_stats(pq.read_metadata(path), spec.article_key)
    assert '"article_id"' in stats
    # Parquet statistics on the key and the integer/date columns only (text columns: no min/max worth keeping).
    metadata = pq.read_metadata(path)
    with_stats = {metadata.schema.column(i).path.split(".")[0] for i in range(metadata.num_columns)
                  if metadata.row_group(0).column(i).statistics is not None}
    assert with_stats == set(statistics_columns(table.schema, spec.article_key))
    assert spec.article_key in with_stats and "text" not in with_stats
    facts = json.loads(stats)
    assert facts["numRecords"] == rows and set(facts["minValues"]) <= with_stats
    assert facts["minValues"][spec.article_key] == min(table.column(spec.article_key).to_pylist())


def test_a_local_tables_version_comes_from_its_log_file_names(tmp_path: Path) -> None:
    """`store.table_version` reads a local table's version from its `_delta_log` file names (no table load): it
    must be the version delta-rs reports, through appends, a checkpoint and a restore (None: no local log)."""
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    from flows import store
    from flows.table_state import local_log_version

    uri = str(tmp_path / "table")
    data = pa.table({"article_id": ["a", "b"], "n": [1, 2]})
    write_deltalake(uri, data)
    for step in range(3):
        write_deltalake(uri, data, mode="append")
        assert store.table_version(str(tmp_path), "table") == DeltaTable(uri).version() == step + 1
    DeltaTable(uri).create_checkpoint()
    DeltaTable(uri).restore(1)
    assert store.table_version(str(tmp_path), "table") == DeltaTable(uri).version() == 4
    (tmp_path / "table" / "_delta_log" / "_commit_0123.json.tmp").write_text("{}")  # a commit being written
    assert store.table_version(str(tmp_path), "table") == 4
    assert local_log_version(str(tmp_path), "missing") is None and local_log_version("s3://bucket/x", "table") is None
