"""Shared fixtures. Prefect's test harness is started once per session (it takes 16-22 s on 2 cores)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows import prefect_env  # noqa: F401  (settings before prefect is imported)

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).parent.parent / "data" / "raw" / "000_1da53921374cfc63.txt"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    # Keep test runs from writing into a developer's ~/.prefect profile settings.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
