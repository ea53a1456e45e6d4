"""Prefect flows and tasks, storage and the CLI: the thin shell around `transforms`."""

from flows import prefect_env as _prefect_env  # noqa: F401  (must run before anything imports prefect)
