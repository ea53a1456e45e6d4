"""flows/fetch.py against a real HTTP server on the loopback address (started here, in a thread)."""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from flows import fetch
from flows.fetch import FetchFailed, Fetched, fetch_urls, is_url_list, read_url_list

SAMPLE = Path(__file__).parent.parent / "data" / "raw" / "000_1da53921374cfc63.txt"
UTF8_ARTICLE = " date 2026-01-27 　\n政治\n\n接見美台商會　卓榮泰：台美合作\n記者陳家祥／台北報導\n行政院長卓榮泰今（27日）表示，台美合作密切。\n".encode("utf-8")
BIG5_ARTICLE = " date 2026-01-27\n社會\n\n新聞標題\n記者王小明／台北報導\n今天天氣晴朗，氣溫二十度。\n".encode("big5")
CAP = 1000
FAST = dict(timeout=2.0, retries=3, backoff=0.01)  # short timeouts and backoffs for tests


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.content: dict[str, bytes] = {}
        self.user_agents: list[str] = []

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class _Handler(BaseHTTPRequestHandler):
    state: _State  # set on the subclass per server

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, length: bool = True) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one route table
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        self.state.user_agents.append(self.headers.get("User-Agent", ""))
        n = self.state.hit(path)
        try:
            if path == "/utf8.txt":
                self._send(200, UTF8_ARTICLE, {"Content-Type": "text/plain; charset=utf-8"})
            elif path == "/big5.txt":
                self._send(200, BIG5_ARTICLE, {"Content-Type": "text/plain; charset=big5"})
            elif path.startswith("/slow/"):
                time.sleep(float(query["s"][0]))
                self._send(200, UTF8_ARTICLE)
            elif path == "/trickle-body":
                self.send_response(200)
                self.send_header("Content-Length", "200")
                self.end_headers()
                for _ in range(200):
                    self.wfile.write(b"x")
                    time.sleep(0.05)
            elif path == "/trickle-headers":
                for byte in b"HTTP/1.0 200 OK\r\nX-Padding: " + b"y" * 200:
                    self.wfile.write(bytes([byte]))
                    time.sleep(0.05)
            elif path == "/404":
                self._send(404, b"not here")
            elif path == "/400":
                self._send(400, b"bad")
            elif path.startswith("/flaky/"):
                self._send(500, b"oops") if n < 3 else self._send(200, UTF8_ARTICLE)
            elif path == "/503":
                self._send(503, b"down")
            elif path.startswith("/429/"):
                self._send(429, b"slow down", {"Retry-After": "1"}) if n == 1 else self._send(200, UTF8_ARTICLE)
            elif path.startswith("/429-long/"):
                self._send(429, b"slow down", {"Retry-After": "3600"}) if n == 1 else self._send(200, UTF8_ARTICLE)
            elif path == "/redirect":
                self._send(302, b"", {"Location": "/utf8.txt"})
            elif path == "/loop":
                self._send(302, b"", {"Location": "/loop"})
            elif path == "/big-cl":
                self._send(200, b"z" * (CAP + 1))
            elif path == "/big-nocl":  # HTTP/1.0: the body ends when the connection closes
                self._send(200, b"z" * (CAP * 5), length=False)
            elif path == "/exact-cap":
                self._send(200, b"z" * CAP, length=False)
            elif path == "/gzip":
                self._send(200, gzip.compress(UTF8_ARTICLE), {"Content-Encoding": "gzip"})
            elif path.startswith("/changing/"):
                self._send(200, self.state.content[path])
            else:
                self._send(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size cap): expected


@pytest.fixture(scope="module")
def server():
    state = _State()
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield base, state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # A proxy configured in the environment must not see requests to the loopback server.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def _one(url: str, raw_root, **options) -> Fetched | FetchFailed:
    [result] = fetch_urls([url], str(raw_root), **{**FAST, "max_bytes": CAP * 10, **options})
    return result


def _host(base: str) -> str:
    return base.removeprefix("http://").replace(":", "_")


def _kept_files(raw_root: Path) -> list[Path]:
    return sorted(p for p in raw_root.rglob("*.txt"))


# ------------------------------------------------------------------------------------------ downloads


def test_articles_are_kept_byte_for_byte_at_content_addressed_paths(server, tmp_path):
    base, state = server
    for name, body, charset in (("utf8.txt", UTF8_ARTICLE, "utf-8"), ("big5.txt", BIG5_ARTICLE, "big5")):
        url = f"{base}/{name}"
        result = _one(url, tmp_path)
        assert isinstance(result, Fetched), result
        key = hashlib.sha256(url.encode()).hexdigest()[:16]
        sha = hashlib.sha256(body).hexdigest()
        assert result.article_id == f"fetched/{_host(base)}/{key}"
        assert result.path == str(tmp_path / "fetched" / _host(base) / key / f"{sha[:16]}.txt")
        assert Path(result.path).read_bytes() == body  # no decoding, no newline translation
        assert (result.size, result.content_sha256, result.status, result.attempts) == (len(body), sha, 200, 1)
        assert result.content_type == f"text/plain; charset={charset}" and result.stored
        assert (Path(result.path).parent / "source_url").read_text() == url + "\n"
        assert fetch.read_fetched(result).content == body
    assert state.user_agents[-1] == f"newsfacts/{fetch.PIPELINE_VERSION}"
    assert not list(tmp_path.rglob("*.tmp"))  # no temp file left behind


def test_slow_response_within_the_timeout_succeeds(server, tmp_path):
    base, _ = server
    result = _one(f"{base}/slow/ok?s=0.3", tmp_path, timeout=1.5)
    assert isinstance(result, Fetched) and result.attempts == 1


def test_slow_response_beyond_the_timeout_fails_after_its_retries(server, tmp_path):
    base, state = server
    started = time.monotonic()
    result = _one(f"{base}/slow/never?s=1.0", tmp_path, timeout=0.3, retries=1)
    assert isinstance(result, FetchFailed)
    assert (result.reason, result.attempts) == ("fetch_failed", 2)
    assert result.detail == "timed out after 2 attempts (0.3 s each)"
    assert state.hits["/slow/never"] == 2
    assert time.monotonic() - started < 1.5
    assert _kept_files(tmp_path) == []


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_a_server_trickling_bytes_is_cut_at_the_attempt_deadline(server, tmp_path, path):
    base, _ = server
    started = time.monotonic()
    result = _one(base + path, tmp_path, timeout=0.5, retries=0)
    elapsed = time.monotonic() - started
    assert isinstance(result, FetchFailed) and result.detail == "timed out after 1 attempt (0.5 s each)"
    assert elapsed < 1.5, elapsed  # each byte arrives well within the read timeout: the deadline stops it


def test_404_fails_at_once_without_retry(server, tmp_path):
    base, state = server
    result = _one(f"{base}/404", tmp_path)
    assert isinstance(result, FetchFailed)
    assert (result.reason, result.detail, result.attempts, result.status) == (
        "fetch_failed", "HTTP 404 Not Found after 1 attempt", 1, 404)
    assert state.hits["/404"] == 1
    assert _one(f"{base}/400", tmp_path).attempts == 1


def test_500_that_recovers_on_the_third_attempt(server, tmp_path):
    base, state = server
    result = _one(f"{base}/flaky/a", tmp_path, retries=3)
    assert isinstance(result, Fetched), result
    assert result.attempts == 3 and state.hits["/flaky/a"] == 3
    assert Path(result.path).read_bytes() == UTF8_ARTICLE


def test_5xx_that_never_recovers_fails_after_all_attempts(server, tmp_path):
    base, _ = server
    result = _one(f"{base}/503", tmp_path, retries=2)
    assert isinstance(result, FetchFailed)
    assert (result.detail, result.attempts) == ("HTTP 503 Service Unavailable after 3 attempts", 3)


def test_429_waits_for_retry_after(server, tmp_path):
    base, _ = server
    started = time.monotonic()
    result = _one(f"{base}/429/a", tmp_path)
    assert isinstance(result, Fetched) and result.attempts == 2
    assert time.monotonic() - started >= 0.95  # Retry-After: 1, although the backoff is 0.01 s


def test_retry_after_is_capped(server, tmp_path):
    base, _ = server
    started = time.monotonic()
    result = _one(f"{base}/429-long/a", tmp_path, max_retry_after=0.1)
    assert isinstance(result, Fetched) and result.attempts == 2
    assert time.monotonic() - started < 1.0


def test_redirects_are_followed_and_bounded(server, tmp_path):
    base, _ = server
    result = _one(f"{base}/redirect", tmp_path)
    assert isinstance(result, Fetched)
    assert result.final_url == f"{base}/utf8.txt"
    assert result.article_id == fetch.fetched_article_id(f"{base}/redirect")  # the id of the URL asked for
    assert Path(result.path).read_bytes() == UTF8_ARTICLE
    loop = _one(f"{base}/loop", tmp_path)
    assert isinstance(loop, FetchFailed)
    assert loop.detail == f"too many redirects (more than {fetch.MAX_REDIRECTS}) after 1 attempt"


@pytest.mark.parametrize("path", ["/big-cl", "/big-nocl"])
def test_a_body_over_the_cap_is_too_large_and_nothing_is_kept(server, tmp_path, path):
    base, _ = server
    result = _one(base + path, tmp_path, max_bytes=CAP)
    assert isinstance(result, FetchFailed) and result.reason == "too_large"
    assert result.attempts == 1
    assert ("Content-Length" in result.detail) == (path == "/big-cl")
    assert _kept_files(tmp_path) == [] and not list(tmp_path.rglob("*.tmp"))
    exact = _one(f"{base}/exact-cap", tmp_path, max_bytes=CAP)
    assert isinstance(exact, Fetched) and exact.size == CAP


def test_connection_refused_fails_after_retries(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = _one(f"http://127.0.0.1:{port}/a.txt", tmp_path, retries=2)
    assert isinstance(result, FetchFailed) and result.reason == "fetch_failed"
    assert result.attempts == 3 and result.detail.startswith("connection failed after 3 attempts: ")


def test_gzip_content_encoding_is_undone_but_nothing_else(server, tmp_path):
    base, _ = server
    result = _one(f"{base}/gzip", tmp_path)
    assert Path(result.path).read_bytes() == UTF8_ARTICLE


# ------------------------------------------------------------------------------------ immutable raw files


def test_identical_content_is_not_rewritten_and_changed_content_is_a_new_file(server, tmp_path):
    base, state = server
    url = f"{base}/changing/one"
    state.content["/changing/one"] = b"version 1"
    first = _one(url, tmp_path)
    os.utime(first.path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    inode = os.stat(first.path).st_ino
    again = _one(url, tmp_path)
    assert again == first.__class__(**{**first.__dict__, "stored": False})
    assert os.stat(first.path).st_mtime_ns == 1_000_000_000_000_000_000 and os.stat(first.path).st_ino == inode

    state.content["/changing/one"] = b"version 2"
    changed = _one(url, tmp_path)
    assert changed.article_id == first.article_id and changed.path != first.path
    assert Path(first.path).read_bytes() == b"version 1" and Path(changed.path).read_bytes() == b"version 2"
    assert len(_kept_files(tmp_path)) == 2


def test_raw_root_may_be_an_fsspec_url(server):
    import fsspec

    base, _ = server
    root = f"memory://newsfacts-test-{time.monotonic_ns()}/raw"
    result = _one(f"{base}/big5.txt", root)
    assert isinstance(result, Fetched)
    assert result.path == f"{root}/{result.article_id}/{result.content_sha256[:16]}.txt"
    assert result.path == fetch.raw_path(root, result.article_id, result.content_sha256)
    assert fsspec.open(result.path, "rb").open().read() == BIG5_ARTICLE
    assert fetch.read_fetched(result).content == BIG5_ARTICLE


def test_an_unwritable_raw_root_fails_the_whole_fetch(server, tmp_path):
    base, _ = server
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(fetch.RawStoreError):
        _one(f"{base}/utf8.txt", blocker)


# ---------------------------------------------------------------------------------- many URLs at once


def test_results_in_input_order_fetched_concurrently_once_per_url(server, tmp_path):
    base, state = server
    urls = [f"{base}/slow/c{i}?s=0.4" if i % 2 == 0 else f"{base}/404" for i in range(8)]
    urls += [f"{base}/utf8.txt", f"HTTP://127.0.0.1:{base.rsplit(':', 1)[1]}/utf8.txt#top", "ftp://example.com/x"]
    before = state.hits.get("/utf8.txt", 0)
    started = time.monotonic()
    results = fetch_urls(urls, str(tmp_path), **FAST, concurrency=8)
    assert time.monotonic() - started < 1.4  # four 0.4 s responses in parallel, not in sequence
    assert [r.url for r in results] == urls
    assert [type(r).__name__ for r in results[:8]] == ["Fetched", "FetchFailed"] * 4
    assert state.hits["/utf8.txt"] - before == 1  # two spellings of one URL: one download
    assert results[8].path == results[9].path and results[8].article_id == results[9].article_id
    assert isinstance(results[10], FetchFailed) and results[10].attempts == 0
    assert results[10].detail == "invalid URL: not an http(s) URL"
    assert fetch_urls([], str(tmp_path)) == []


def test_a_client_can_be_supplied(server, tmp_path):
    base, state = server
    with httpx.Client() as client:
        result = _one(f"{base}/utf8.txt", tmp_path, client=client)
    assert isinstance(result, Fetched)
    assert state.user_agents[-1] == f"newsfacts/{fetch.PIPELINE_VERSION}"  # its default UA is replaced


# ---------------------------------------------------------------------------------------- URL lists


def test_read_url_list_skips_comments_blanks_bom_crlf_and_duplicates():
    text = (
        "\ufeff# 今日新聞\r\n"
        "https://news.example.tw/a/1\r\n"
        "\r\n"
        "   http://Example.COM:80/b?x=1#section   \r\n"
        "  # indented comment\r\n"
        "https://news.example.tw/a/1\r\n"
        "http://example.com/b?x=1\r\n"
        "https://新聞.tw/政治/一\r"
        "https://news.example.tw/#only-a-fragment\n"
    )
    urls = read_url_list(text)
    assert urls == [
        "https://news.example.tw/a/1",
        "http://example.com/b?x=1",
        f"https://{'新聞.tw'.encode('idna').decode()}/%E6%94%BF%E6%B2%BB/%E4%B8%80",
        "https://news.example.tw/",
    ]
    assert isinstance(urls, list) and urls.invalid == () and urls.duplicates == 2


def test_read_url_list_reports_invalid_lines_and_keeps_the_rest():
    text = "\n".join([
        "https://ok.example.com/1",
        "www.example.com/no-scheme",
        "ftp://example.com/file.txt",
        "https://example.com/has space",
        "https://user:secret@example.com/x",
        "http://",
        "https://ok.example.com/2",
    ])
    urls = read_url_list(text)
    assert urls == ["https://ok.example.com/1", "https://ok.example.com/2"]
    assert [(line.line_no, line.text) for line in urls.invalid] == [
        (2, "www.example.com/no-scheme"), (3, "ftp://example.com/file.txt"), (4, "https://example.com/has space"),
        (5, "https://user:secret@example.com/x"), (6, "http://")]
    assert urls.invalid[0].detail == "line 2: 'www.example.com/no-scheme' is not usable: not an http(s) URL"
    assert "credentials" in urls.invalid[3].detail
    assert read_url_list("") == [] and read_url_list("# nothing\n\n") == []


def test_is_url_list(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_bytes("\ufeff# list\r\nhttps://a.example/1\r\n\r\nhttps://a.example/2\r\n".encode("utf-8"))
    assert is_url_list(str(listing)) and is_url_list(listing)
    assert fetch.load_url_list(listing) == ["https://a.example/1", "https://a.example/2"]
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("https://a.example/1\nhttps://a.example/2\n".encode("utf-16"))
    assert is_url_list(utf16)
    typo = tmp_path / "typo.txt"
    typo.write_text("https://a.example/1\nhttps//a.example/2\nhttps://a.example/3\n")
    assert is_url_list(typo)  # a typo does not turn the list into an article; it becomes an invalid line
    article_with_url = tmp_path / "scraped.txt"
    article_with_url.write_text("https://a.example/1\n date 2026-01-27\n政治\n\n標題\n內文。\n", encoding="utf-8")
    assert not is_url_list(article_with_url)
    assert not is_url_list(SAMPLE) and not is_url_list(SAMPLE.read_bytes())
    assert not is_url_list(tmp_path)  # a folder
    assert not is_url_list(str(tmp_path / "missing.txt"))
    assert not is_url_list("https://a.example/list.txt")  # a URL string is never opened
    empty = tmp_path / "empty.txt"
    empty.write_text("# only comments\n\n")
    assert not is_url_list(empty)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"https://a.example/1\n\x00\x01\x02")
    assert not is_url_list(binary)
    assert is_url_list("https://a.example/1\nhttps://a.example/2") and is_url_list(b"https://a.example/1\n")
    assert not is_url_list(b"\xff\xfe\xfd not text")


def test_article_ids_and_raw_paths():
    article_id = fetch.fetched_article_id("https://News.Example.tw/a/1#x")
    assert article_id == f"fetched/news.example.tw/{hashlib.sha256(b'https://news.example.tw/a/1').hexdigest()[:16]}"
    assert fetch.fetched_article_id("http://127.0.0.1:8080/a").startswith("fetched/127.0.0.1_8080/")
    assert fetch.fetched_article_id("https://例子.tw/").startswith("fetched/xn--fsqu00a.tw/")
    assert fetch.fetched_article_id("not a url").startswith("fetched/invalid/")
    sha = "ab" * 32
    path = fetch.raw_path("data/raw/", article_id, sha)
    assert path == f"data/raw/{article_id}/{'ab' * 8}.txt"
    assert fetch.is_fetched_raw_path(path.removeprefix("data/raw/"))
    assert fetch.is_fetched_raw_path(f"2026/{article_id}/source_url")
    assert not fetch.is_fetched_raw_path("fetched/news/today.txt")


def test_backoff_grows_with_small_deterministic_jitter():
    delays = [fetch._backoff_delay("https://a.example/", attempt, 1.0) for attempt in (1, 2, 3, 4)]
    assert delays == [fetch._backoff_delay("https://a.example/", attempt, 1.0) for attempt in (1, 2, 3, 4)]
    for attempt, delay in enumerate(delays, start=1):
        assert 2 ** (attempt - 1) <= delay < 1.1 * 2 ** (attempt - 1)
    assert fetch._backoff_delay("https://a.example/", 30, 1.0) < fetch.MAX_BACKOFF * 1.1


def test_retry_after_as_seconds_or_http_date():
    def response(value: str) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": value})

    assert fetch._retry_after(response("7"), cap=60) == 7
    assert fetch._retry_after(response("7000"), cap=60) == 60
    assert fetch._retry_after(response("Wed, 21 Oct 2015 07:28:00 GMT"), cap=60) == 0  # in the past
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 < fetch._retry_after(response(future), cap=60) <= 30
    assert fetch._retry_after(response("soon"), cap=60) is None
    assert fetch._retry_after(httpx.Response(503), cap=60) is None
