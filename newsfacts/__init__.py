"""newsfacts: Taiwan news articles to versioned, analysis-ready tables.

The code lives in two top-level packages: `transforms` (the pure core) and `flows` (Prefect flows, tasks and
the CLI). This package is the stable import point for analysts.
"""

from transforms.schema import PIPELINE_VERSION as __version__  # noqa: F401
