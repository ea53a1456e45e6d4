"""newsfacts: Taiwan news articles to versioned, analysis-ready tables.

The code lives in two top-level packages: `transforms` (the pure core) and `flows` (Prefect flows, tasks, storage
and the CLI). This package is the stable import point for analysts:

    import newsfacts
    entities = newsfacts.read_table("entities")                       # as of the last completed run
    older = newsfacts.read_table("entities", as_of="20260127T...-1a2b3c", dest="data/processed")
"""

from flows.reader import NoSuchRun, completed_runs, read_table, snapshot
from transforms.schema import PIPELINE_VERSION as __version__

__all__ = ["read_table", "snapshot", "completed_runs", "NoSuchRun", "__version__"]
