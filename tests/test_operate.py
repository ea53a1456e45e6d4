"""Operating it: deployments on a real Prefect server, typed parameters, artifacts, task runners, SQL and report.

Every component is real and started by the tests: the Prefect server (session fixture), `newsfacts serve`,
a process work pool with a worker, a local Dask cluster, DuckDB.
"""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import newsfacts
from tests.conftest import SAMPLE
from tests.corpus_util import assert_same_tables, build_source, table_contents

pytestmark = pytest.mark.e2e
REPO = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def api(url: str, path: str, body: dict | None = None) -> object:
    request = urllib.request.Request(f"{url}{path}", data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_for(condition, timeout: float = 90, every: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def deployment_names(url: str) -> set[str]:
    return {d["name"] for d in api(url, "/deployments/filter", {})}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("operate")
    return build_source(root / "raw")


def test_served_deployment_runs_ad_hoc_with_parameters_and_publishes_artifacts(
    prefect_server: str, server_env: dict, source: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "served"
    serve = subprocess.Popen(
        [str(BIN / "newsfacts"), "serve", "--name", "adhoc-test", "--dest", str(tmp_path / "unused"),
         "--task-runner", "thread"],
        cwd=REPO, env=server_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        wait_for(lambda: "adhoc-test" in deployment_names(prefect_server), what="the served deployment")
        run = subprocess.run(
            [str(BIN / "prefect"), "deployment", "run", "newsfacts/adhoc-test", "--param", f"source={source}",
             "--param", f"dest={dest}", "--param", "batch_size=4", "--watch", "--watch-timeout", "180"],
            cwd=REPO, env=server_env, capture_output=True, text=True, timeout=240,
        )
        assert run.returncode == 0 and "Completed" in run.stdout, run.stdout + run.stderr
        articles = newsfacts.read_table("articles", dest=str(dest))
        assert "000_1da53921374cfc63" in set(articles.article_id)
        runs = newsfacts.read_table("runs", dest=str(dest))
        assert json.loads(runs.parameters.iloc[0])["batch_size"] == 4

        flow_run_id = runs.flow_run_id.iloc[0]
        artifacts = api(prefect_server, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
        by_key = {a["key"]: a for a in artifacts}
        assert by_key["newsfacts-run-summary"]["type"] == "markdown"
        assert "rejected" in by_key["newsfacts-run-summary"]["data"]
        rejects = by_key["newsfacts-rejects"]["data"]
        rejects = json.loads(rejects) if isinstance(rejects, str) else rejects
        assert {r["reason"] for r in rejects} == {"binary", "empty", "no_date_line"}

        bad = subprocess.run(
            [str(BIN / "prefect"), "deployment", "run", "newsfacts/adhoc-test", "--param", "batch_size=0"],
            cwd=REPO, env=server_env, capture_output=True, text=True, timeout=60,
        )
        assert "batch_size" in bad.stdout + bad.stderr and "minimum of 1" in bad.stdout + bad.stderr
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)


def test_a_bad_parameter_fails_the_flow_at_once_with_a_clear_message(prefect_harness) -> None:
    from flows.pipeline import newsfacts_flow

    started = time.monotonic()
    state = newsfacts_flow(source="data/raw", dest="unused", batch_size=0, return_state=True)
    assert state.is_failed() and time.monotonic() - started < 10
    assert "batch_size" in state.message and "greater than or equal to 1" in state.message
    missing = newsfacts_flow(source="/no/such/folder", dest=str(Path("/tmp") / "nf-missing"), return_state=True)
    assert missing.is_failed() and "source does not exist: /no/such/folder" in missing.message


def test_work_pool_deployment_from_prefect_yaml(prefect_server: str, server_env: dict, tmp_path: Path) -> None:
    env = {**server_env, "NEWSFACTS_HOME": str(REPO), "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    pool = "newsfacts"
    prefect = str(BIN / "prefect")
    subprocess.run([prefect, "work-pool", "create", pool, "--type", "process", "--overwrite"], cwd=REPO, env=env,
                   capture_output=True, text=True, timeout=60, check=True)
    deployed = subprocess.run([prefect, "--no-prompt", "deploy", "--all"], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=120)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    names = deployment_names(prefect_server)
    assert {"newsfacts-hourly", "newsfacts-adhoc"} <= names
    hourly = next(d for d in api(prefect_server, "/deployments/filter", {}) if d["name"] == "newsfacts-hourly")
    assert hourly["schedules"][0]["schedule"]["cron"] == "0 * * * *"

    dest = tmp_path / "pooled"
    subprocess.run([prefect, "deployment", "run", "newsfacts/newsfacts-adhoc", "--param", f"source={SAMPLE}",
                    "--param", f"dest={dest}"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True)
    worker = subprocess.run([prefect, "worker", "start", "--pool", pool, "--run-once"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=180)
    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
    assert len(newsfacts.read_table("articles", dest=str(dest))) == 1


def run_cli(args: list[str], env: dict, timeout: int = 240) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN / "newsfacts"), *args], capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_dask_local_cluster_gives_the_same_tables_as_the_default_runner(server_env: dict, source: Path, tmp_path: Path) -> None:
    default, dask = tmp_path / "default", tmp_path / "dask"
    run_cli(["run", "--source", str(source), "--dest", str(default), "--batch-size", "4"], server_env)
    run_cli(["run", "--source", str(source), "--dest", str(dask), "--batch-size", "4", "--task-runner", "dask",
             "--workers", "2"], server_env)
    assert_same_tables(table_contents(dask), table_contents(default))


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory, source: Path, prefect_server: str) -> Path:
    dest = tmp_path_factory.mktemp("sql") / "processed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=prefect_server, PREFECT_HOME=str(dest.parent / "home"))
    run_cli(["run", "--source", str(source), "--dest", str(dest)], env)
    return dest


def test_sql_over_the_current_tables(tables: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    printed = run_cli(["sql", "SELECT type, count(*) AS n FROM entities GROUP BY type ORDER BY n DESC", "--dest", str(tables)], env)
    assert printed.stdout.splitlines()[0].split() == ["type", "n"] and "PERSON" in printed.stdout
    joined = run_cli(["sql", "SELECT a.title, count(*) AS n FROM articles a JOIN quantities q USING (article_id) "
                      "WHERE q.kind = 'money' GROUP BY 1", "--dest", str(tables), "--out", str(tmp_path / "money.csv")], env)
    assert "rows ->" in joined.stdout
    import pandas as pd

    money = pd.read_csv(tmp_path / "money.csv")
    assert money.set_index("title").loc["接見美台商會　卓榮泰：全力與國會溝通軍購特別預算", "n"] == 5
    run_cli(["sql", "SELECT * FROM tokens", "--dest", str(tables), "--out", str(tmp_path / "tokens.parquet")], env)
    assert len(pd.read_parquet(tmp_path / "tokens.parquet")) == len(newsfacts.read_table("tokens", dest=str(tables)))
    bad = subprocess.run([str(BIN / "newsfacts"), "sql", "SELEC 1", "--dest", str(tables)], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("newsfacts: error:") and "Traceback" not in bad.stderr


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_is_a_self_contained_page_with_charts(tables: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run_cli(["report", "--out", str(out), "--dest", str(tables)], dict(os.environ))
    page = _Collector()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.tags.count("svg") >= 5
    text = "".join(page.text)
    assert "卓榮泰" in text and "USD" in text and "no_date_line" in text
    assert not [u for u in page.urls if u.startswith(("http://", "https://", "//"))]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium:  # render it for real when a headless browser is installed
        png = tmp_path / "report.png"
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        f"--user-data-dir={tmp_path / 'chrome'}", f"--screenshot={png}", "--window-size=1200,2400",
                        out.as_uri()], capture_output=True, timeout=120)
        assert png.exists() and png.stat().st_size > 20_000
