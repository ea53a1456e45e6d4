"""`newsfacts sql`: DuckDB over the tables of one consistent snapshot, offline.

DuckDB's own Delta reader needs an extension download, so each table becomes a view over the Parquet files its
Delta log lists at the snapshot's version (the same files a Delta reader would read; no stale ones).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from deltalake import DeltaTable

from flows import store
from flows.reader import Snapshot
from transforms import schema


def connect(dest: str, pinned: Snapshot) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for spec in schema.ALL_TABLES:
        version = store.versions(dest)["runs"] if spec.name == "runs" else pinned.table_versions.get(spec.name)
        files = DeltaTable(store.table_uri(dest, spec.name), version=version).file_uris() if version is not None else []
        if files and "://" not in files[0]:
            # union_by_name: files written before a column was added lack it (read as NULL).
            # (a view cannot take a prepared parameter: the paths are written as quoted literals)
            paths = ", ".join("'" + f.removeprefix("file://").replace("'", "''") + "'" for f in files)
            con.execute(f"CREATE VIEW {spec.name} AS SELECT * FROM read_parquet([{paths}], union_by_name = true)")
        else:
            # empty table (or remote files): register the Arrow table read through our reader
            table = store.read_table(dest, spec.name, version=version) if version is not None else schema.empty_table(spec)
            con.register(f"{spec.name}_arrow", table)
            con.execute(f"CREATE VIEW {spec.name} AS SELECT * FROM {spec.name}_arrow")
    return con


def run_sql(query: str, dest: str, pinned: Snapshot) -> pa.Table:
    con = connect(dest, pinned)
    try:
        return con.sql(query).to_arrow_table()
    finally:
        con.close()
