"""flows.delta_files: what the commit records of a staged file is what its footer says."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows.delta_files import file_stats, write_parquet_with_facts
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
