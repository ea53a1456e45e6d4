"""Prefect settings that must be in place before `import prefect` (see docs/decisions.md).

Measured on a fresh 2-core machine (../shared/notes/dependencies.md): the temporary server's default start-up
timeout (20 s) is too short for a first run, and offline telemetry plus a heartbeat racing the fresh database
print "Failed to send telemetry" and "database is locked" tracebacks at exit. Defaults only: a value the user set
in the environment wins, and with PREFECT_API_URL set no temporary server is started at all.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # Our CLI prints its own progress and summary; Prefect's INFO chatter (temporary server URL, task run
    # states) goes to the Prefect UI/API, not the terminal. `--verbose` lowers this to INFO.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


# A one-certificate CA bundle for a plain-HTTP API. Prefect's client builds a TLS context from certifi's ~140
# certificates for every client it creates, TLS or not: 13 ms each, three per run in the flow process and two per
# task run in a pool worker (~1 s of worker CPU in a 20,000-article run). Over http:// no TLS connection is made,
# so the bundle is never used; one certificate loads in 0.4 ms.
PLAIN_HTTP_CA_FILE = Path(__file__).with_name("plain_http_ca.pem")


def apply_defaults(environ: dict[str, str] | os._Environ = os.environ) -> None:
    for key, value in DEFAULTS.items():
        environ.setdefault(key, value)
    # Only for an API URL given in the environment (it wins over profiles and prefect.toml), and only for http://.
    if environ.get("PREFECT_API_URL", "").startswith("http://") and PLAIN_HTTP_CA_FILE.is_file():
        environ.setdefault("PREFECT_API_SSL_CERT_FILE", str(PLAIN_HTTP_CA_FILE))


apply_defaults()
