"""The CLI as a user runs it: real processes, a fresh Prefect home (as on a fresh machine), clean output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

pytestmark = pytest.mark.e2e
NEWSFACTS = [sys.executable, "-m", "flows"]


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # a fresh database, as on a new machine
    return env


def run_cli(args: list[str], env: dict[str, str], stdin: str | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*NEWSFACTS, *args], capture_output=True, text=True, env=env, input=stdin, timeout=timeout)


def assert_clean(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "ERROR" not in output, output
    assert "database is locked" not in output and "telemetry" not in output.lower(), output


def test_missing_source_fails_with_one_line(tmp_path: Path) -> None:
    result = run_cli(["run", "--source", str(tmp_path / "nope"), "--dest", str(tmp_path / "out")], cli_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"newsfacts: error: source does not exist: {tmp_path / 'nope'}"]
    assert "Traceback" not in result.stderr


def test_run_prints_a_clean_summary_and_rejects_only_fail_on_request(tmp_path: Path) -> None:
    source = tmp_path / "raw"
    source.mkdir()
    shutil.copy(SAMPLE, source / SAMPLE.name)
    (source / "broken.txt").write_bytes(b"\x00\x01\x02 not an article")
    dest = tmp_path / "processed"
    env = cli_env(tmp_path)

    first = run_cli(["run", "--source", str(source), "--dest", str(dest), "--fail-on-reject"], env)
    assert_clean(first)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "articles: 1 new, 0 changed, 0 unchanged, 1 rejected" in first.stdout
    assert "rejects by reason: binary 1" in first.stdout
    # not a terminal: plain progress lines instead of a bar
    assert "newsfacts: 2 files to read" in first.stderr and "newsfacts: 2/2 files done" in first.stderr
    for table in ("articles", "paragraphs", "sentences", "tokens", "rejects"):
        assert any(line.split()[:1] == [table] for line in first.stdout.splitlines()), first.stdout

    second = run_cli(["run", "--source", str(source), "--dest", str(dest)], env)
    assert_clean(second)
    assert second.returncode == 0
    assert "articles: 0 new, 0 changed, 2 unchanged, 0 rejected" in second.stdout


def test_segment_keeps_one_output_line_per_input_line(tmp_path: Path) -> None:
    lines = ["行政院長今天接見訪問團。", "", "儘管國會仍有不同意見", "Google 與 AWS 在台投資 1,000 億元"]
    result = run_cli(["segment"], cli_env(tmp_path), stdin="\n".join(lines) + "\n", timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")[:-1]
    assert len(out) == len(lines)
    for line, segmented in zip(lines, out):
        assert segmented.replace(" ", "") == line.replace(" ", "")
        assert "  " not in segmented
    assert "儘管" in out[2].split(" ")


def test_cli_runs_without_heartbeats_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefect's heartbeat thread adds up to 1 s to every run's exit: CLI runs turn it off, but a frequency the
    user exports (under either of Prefect's names) is kept."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    from flows.cli import cli_heartbeat_settings

    for name in ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"):
        monkeypatch.delenv(name, raising=False)
    updates = cli_heartbeat_settings()
    assert updates == {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    with temporary_settings(updates=updates):
        assert get_current_settings().flows.heartbeat_frequency is None
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    assert cli_heartbeat_settings() == {}
    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY")
    monkeypatch.setenv("PREFECT_RUNNER_HEARTBEAT_FREQUENCY", "60")
    assert cli_heartbeat_settings() == {}


def test_the_console_script_sets_process_defaults_the_user_has_not(tmp_path: Path) -> None:
    """`main()` sets OPENBLAS_NUM_THREADS=1 for itself and the processes it starts (numpy's OpenBLAS threads spin
    at import and nothing here needs them), unless the user set it."""
    probe = ("import os, flows.cli as cli\n"
             "cli.app = lambda: print(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
             "cli.main()\n")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env).stdout == "1\n"
    env["OPENBLAS_NUM_THREADS"] = "4"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env).stdout == "4\n"


def test_the_removal_helper_starts_before_the_heavy_imports() -> None:
    """The CLI starts the removal helper first thing on a later run: its module must not import pyarrow, deltalake
    or Prefect (0.25 s and more that the helper would otherwise wait for)."""
    probe = ("import sys, flows.cli, flows.early_removal\n"
             "print(sorted(m for m in ('pyarrow', 'deltalake', 'prefect', 'numpy') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout == "[]\n", result.stderr
