from pathlib import Path

import pyarrow as pa

from transforms import schema

DOCS = Path(__file__).parent.parent / "docs" / "tables.md"


def test_docs_are_generated_from_the_schemas() -> None:
    assert DOCS.read_text(encoding="utf-8") == schema.render_docs(), (
        "docs/tables.md is out of date: run `.venv/bin/python -m transforms.schema > docs/tables.md`"
    )


def test_every_column_is_documented() -> None:
    for spec in schema.ALL_TABLES:
        for field in spec.schema:
            assert schema.field_doc(field), f"{spec.name}.{field.name} has no description"


def test_offset_columns_come_in_pairs_with_text() -> None:
    for spec in schema.ALL_TABLES:
        names = spec.schema.names
        if "start" in names:
            assert "end" in names and "text" in names and "article_id" in names


def test_to_table_keeps_schema_and_fills_missing_with_null() -> None:
    table = schema.to_table(schema.RUNS, [{"run_id": "r", "started_at": None, "status": "running", "pipeline_version": "x"}])
    assert table.schema == schema.RUNS.schema
    assert table.column("n_new").to_pylist() == [None]
    assert isinstance(schema.empty_table(schema.TOKENS), pa.Table)
