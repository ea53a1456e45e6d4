"""Sources and tables on S3: a real S3-compatible server (moto in server mode) on the loopback address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import newsfacts
from tests.conftest import _free_port
from tests.corpus_util import assert_same_tables, build_source, table_contents

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
# Columns that name where the file was read from: they differ between the S3 and the local run by design.
LOCATION = {"source_uri", "source_mtime"}


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory):
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = {
        "AWS_ACCESS_KEY_ID": "newsfacts-test", "AWS_SECRET_ACCESS_KEY": "newsfacts-test", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ALLOW_HTTP": "true",
    }
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        import boto3

        boto3.client("s3").create_bucket(Bucket="news")
        import s3fs

        local = build_source(tmp_path_factory.mktemp("s3src") / "raw")
        fs = s3fs.S3FileSystem()
        for path in local.rglob("*.txt"):
            fs.pipe(f"news/raw/{path.relative_to(local).as_posix()}", path.read_bytes())
        yield {"settings": settings, "local_source": local}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN / "newsfacts"), *args], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_source_and_dest_on_s3_give_the_same_tables_as_local_folders(s3, server_env: dict, tmp_path: Path) -> None:
    env = {**server_env, **s3["settings"]}
    first = run(["run", "--source", "s3://news/raw", "--dest", "s3://news/processed", "--batch-size", "5"], env)
    assert "rejected" in first.stdout
    local = tmp_path / "local"
    run(["run", "--source", str(s3["local_source"]), "--dest", str(local), "--batch-size", "5"], env)
    assert_same_tables(table_contents("s3://news/processed", ignore=LOCATION), table_contents(local, ignore=LOCATION))
    articles = newsfacts.read_table("articles", dest="s3://news/processed")
    assert all(uri.startswith("s3://news/raw/") for uri in articles.source_uri)

    again = run(["run", "--source", "s3://news/raw", "--dest", "s3://news/processed"], env)
    assert " 0 new, 0 changed," in again.stdout
    history = run(["history", "--dest", "s3://news/processed"], env)
    assert history.stdout.count("completed") == 2
    sql = run(["sql", "SELECT count(*) AS n FROM articles", "--dest", "s3://news/processed"], env)
    assert str(len(articles)) in sql.stdout


def test_settings_from_a_prefect_secret_block(s3, prefect_server: str, server_env: dict, tmp_path: Path) -> None:
    """No AWS variable in the run's environment: the flow loads them from a Secret block on the server."""
    import json

    create = subprocess.run(
        [sys.executable, "-c", "import json, sys; from prefect.blocks.system import Secret; "
         "Secret(value=json.loads(sys.argv[1])).save('newsfacts-s3', overwrite=True)", json.dumps(s3["settings"])],
        env=server_env, capture_output=True, text=True, timeout=60)
    assert create.returncode == 0, create.stderr
    env = {k: v for k, v in server_env.items() if not k.startswith("AWS_")}
    result = run(["run", "--source", "s3://news/raw", "--dest", "s3://news/block", "--storage-block", "newsfacts-s3"], env)
    assert "completed" in result.stdout
    assert len(newsfacts.read_table("articles", dest="s3://news/block")) > 0
