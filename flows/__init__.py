"""Prefect flows and tasks, storage and the CLI: the thin shell around `transforms`."""

from flows import prefect_env as _prefect_env  # noqa: F401  (must run before anything imports prefect)
from flows import accel as _accel

_accel.install()  # the compiled transforms of `make accel`, where they match their source (flows/accel.py)
