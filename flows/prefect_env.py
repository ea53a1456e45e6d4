"""Prefect settings that must be in place before `import prefect` (see docs/decisions.md).

Measured on a fresh 2-core machine (../shared/notes/dependencies.md): the temporary server's default start-up
timeout (20 s) is too short for a first run, and offline telemetry plus a heartbeat racing the fresh database
print "Failed to send telemetry" and "database is locked" tracebacks at exit. Defaults only: a value the user set
in the environment wins, and with PREFECT_API_URL set no temporary server is started at all.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # Our CLI prints its own progress and summary; Prefect's INFO chatter (temporary server URL, task run
    # states) goes to the Prefect UI/API, not the terminal. `--verbose` lowers this to INFO.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def apply_defaults(environ: dict[str, str] | os._Environ = os.environ) -> None:
    for key, value in DEFAULTS.items():
        environ.setdefault(key, value)


apply_defaults()
