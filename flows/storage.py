"""Settings for remote storage (s3://…): from the environment, or from a Prefect Secret block.

Both fsspec (s3fs, for sources and reads) and delta-rs (for the tables) read the standard AWS variables:
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL (S3-compatible stores), AWS_ALLOW_HTTP.
A Prefect Secret block holding a JSON object of such variables can supply them instead, so deployments need no
secrets in their environment: `newsfacts run --storage-block my-s3 ...` (create it with
`prefect block create secret` or `Secret(value={...}).save("my-s3")`).
"""

from __future__ import annotations

import json
import os

# delta-rs refuses concurrent-unsafe S3 commits unless told how to lock. newsfacts serialises its own writers
# (one run per destination, see flows/lock.py), so the plain S3 rename is safe here; set the variable yourself to
# use a DynamoDB lock or conditional puts instead.
S3_DEFAULTS = {"AWS_S3_ALLOW_UNSAFE_RENAME": "true"}


def apply_storage_defaults(environ: dict[str, str] | os._Environ = os.environ) -> None:
    for key, value in S3_DEFAULTS.items():
        environ.setdefault(key, value)


def apply_storage_block(name: str, environ: dict[str, str] | os._Environ = os.environ) -> list[str]:
    """Load a Prefect Secret block (a JSON object of AWS_* settings) into the environment. Returns the keys set."""
    from prefect.blocks.system import Secret

    value = Secret.load(name).get()
    settings = json.loads(value) if isinstance(value, str) else value
    if not isinstance(settings, dict):
        raise ValueError(f"Secret block {name!r} must hold a JSON object of storage settings (AWS_ENDPOINT_URL, ...)")
    for key, item in settings.items():
        environ[str(key)] = str(item)
    return sorted(settings)


apply_storage_defaults()
