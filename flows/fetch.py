"""Downloading articles listed in a URL-list file (`--source urls.txt`) into immutable raw files.

Plain Python (httpx + fsspec), no Prefect: the pipeline wraps `fetch_urls` in a task. Rules in docs/fetching.md.

- A URL list is a text file of http(s) URLs, one per line; blank lines and lines starting with `#` are skipped
  (`is_url_list`, `read_url_list`).
- Each URL is downloaded with per-attempt timeouts and a hard per-attempt deadline, retried with exponential
  backoff on transient failures, capped in size while streaming, and its bytes are stored unchanged (no charset
  decoding) at `{raw_root}/fetched/{host}/{url_key}/{content_sha256[:16]}.txt`, written once, atomically.
- The article id is `fetched/{host}/{url_key}`: stable per URL, so changed content replaces the article's rows.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import email.utils
import hashlib
import http
import logging
import os
import posixpath
import re
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpcore
import httpx
from fsspec.core import url_to_fs

from flows.sources import FETCHED_DIR, SOURCE_URL_FILE, is_fetched_raw_path  # noqa: F401  (fetch's names too)
from transforms.model import RawFile
from transforms.schema import PIPELINE_VERSION

log = logging.getLogger(__name__)

USER_AGENT = f"newsfacts/{PIPELINE_VERSION}"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_BACKOFF = 60.0  # seconds, cap of one exponential-backoff wait
MAX_RETRY_AFTER = 60.0  # seconds, cap of a server's Retry-After
MAX_LIST_BYTES = 64 * 1024 * 1024  # a URL-list file larger than this is not taken as a URL list
MAX_URL_CHARS = 8192

RETRY_STATUSES = frozenset({408, 429})  # plus every 5xx
REASON_FETCH_FAILED = "fetch_failed"
REASON_TOO_LARGE = "too_large"
REASON_INVALID_URL = "invalid_url"  # a line of the URL list that is not an http(s) URL (see UrlList.invalid)

# --------------------------------------------------------------------------------------------------- URL lists


class UrlListError(Exception):
    """The URL-list file as a whole cannot be used (unreadable, undecodable): the run fails with this reason."""


@dataclass(frozen=True)
class InvalidLine:
    """A meaningful line of a URL list that is not a usable http(s) URL (1-based line number)."""

    line_no: int
    text: str
    detail: str


class UrlList(list):
    """The URLs of a list (canonical, de-duplicated, in order) — a plain `list[str]` — plus what was skipped:
    `invalid` (lines that are not usable URLs) and `duplicates` (how many repeated URLs were dropped)."""

    def __init__(self, urls: Sequence[str] = (), invalid: Sequence[InvalidLine] = (), duplicates: int = 0) -> None:
        super().__init__(urls)
        self.invalid: tuple[InvalidLine, ...] = tuple(invalid)
        self.duplicates = duplicates

    def __repr__(self) -> str:
        return f"UrlList({list(self)!r}, invalid={self.invalid!r}, duplicates={self.duplicates})"


def canonical_url(url: str) -> str:
    """The form a URL is keyed, de-duplicated and fetched by: scheme and host lower-case, IDNA host, non-ASCII
    percent-encoded, no fragment, no default port, `/` for an empty path. Raises ValueError when the line is not
    an absolute http(s) URL with a host (or carries credentials, which would end up in the tables)."""
    text = url.strip()
    if not text:
        raise ValueError("empty")
    if len(text) > MAX_URL_CHARS:
        raise ValueError(f"longer than {MAX_URL_CHARS} characters")
    if any(ch.isspace() for ch in text):
        raise ValueError("contains whitespace")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise ValueError("contains control characters")
    if not re.match(r"(?i)https?://", text):
        raise ValueError("not an http(s) URL")
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        raise ValueError(f"not a valid URL ({error})") from None
    if not parsed.host:
        raise ValueError("no host")
    if parsed.userinfo:
        raise ValueError("credentials in a URL are not allowed (they would be stored in the tables)")
    default_port = {"http": 80, "https": 443}[parsed.scheme]
    port = None if parsed.port in (None, default_port) else parsed.port
    return str(parsed.copy_with(port=port, fragment=None))


def _meaningful_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, stripped line) of every line that is neither blank nor a `#` comment."""
    if text.startswith("\ufeff"):
        text = text[1:]
    out = []
    # Only \n, \r\n and \r end lines (str.splitlines would also split at U+2028, \x1c ... inside a line).
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            out.append((number, stripped))
    return out


def read_url_list(text: str) -> UrlList:
    """The URLs of a URL-list text, canonical (`canonical_url`), de-duplicated keeping the first, in order.

    A leading BOM, `\\r\\n` / `\\r` line ends, surrounding whitespace, blank lines and lines whose first
    non-blank character is `#` are ignored (`#` inside a URL is part of it; there are no trailing comments).
    A line that is not a usable http(s) URL does not stop the list: it is returned in `.invalid` (the pipeline
    records each as a `rejects` row, reason `invalid_url`) and the other URLs are fetched.
    """
    urls: list[str] = []
    invalid: list[InvalidLine] = []
    seen: set[str] = set()
    duplicates = 0
    for number, line in _meaningful_lines(text):
        try:
            url = canonical_url(line)
        except ValueError as error:
            shown = line if len(line) <= 200 else line[:200] + "…"
            invalid.append(InvalidLine(number, shown, f"line {number}: {shown!r} is not usable: {error}"))
            continue
        if url in seen:
            duplicates += 1
            continue
        seen.add(url)
        urls.append(url)
    return UrlList(urls, invalid, duplicates)


def decode_url_list(data: bytes) -> str | None:
    """Text of a URL-list file: UTF-8 (BOM optional) or UTF-16 with a BOM; None when it is neither, or binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    if "\x00" in text:
        return None
    return text


def _looks_like_url_list(text: str) -> bool:
    lines = _meaningful_lines(text)
    if not lines:
        return False
    valid = []
    for _, line in lines:
        try:
            canonical_url(line)
            valid.append(True)
        except ValueError:
            valid.append(False)
    # The first meaningful line must be a URL, and at least half of them: a list with a typo is still a list
    # (the typo becomes an `invalid_url` reject), an article that starts with its URL is still an article.
    return valid[0] and 2 * sum(valid) >= len(valid)


def _is_http_url_string(value: str) -> bool:
    return bool(re.match(r"(?i)\s*https?://", value))


def is_url_list(path_or_text: str | os.PathLike | bytes) -> bool:
    """True when the source is a URL list rather than an article or a folder.

    `bytes` are a file's content; an `os.PathLike`, or a `str` without a line break, is a path or fsspec URL
    of a file (read up to MAX_LIST_BYTES; a folder, a missing or unreadable path gives False, and an http(s)
    URL string is never opened); a `str` with a line break is the text itself. The text is a URL list when its
    first meaningful line (not blank, not a `#` comment) is an http(s) URL and at least half of its meaningful
    lines are.
    """
    if isinstance(path_or_text, bytes):
        text = decode_url_list(path_or_text)
    elif isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        text = path_or_text
    else:
        path = os.fspath(path_or_text)
        if _is_http_url_string(path):
            return False
        try:
            data = _read_list_bytes(path)
        except (UrlListError, OSError, ValueError):
            return False
        text = decode_url_list(data)
    return text is not None and _looks_like_url_list(text)


def _read_list_bytes(path: str) -> bytes:
    try:
        fs, inner = url_to_fs(path)
        if not fs.isfile(inner):
            raise UrlListError(f"not a file: {path}")
        with fs.open(inner, "rb") as handle:
            data = handle.read(MAX_LIST_BYTES + 1)
    except (ValueError, ImportError, OSError) as error:
        raise UrlListError(f"cannot read URL list {path!r}: {error}") from error
    if len(data) > MAX_LIST_BYTES:
        raise UrlListError(f"URL list {path!r} is larger than {MAX_LIST_BYTES} bytes")
    return data


def load_url_list(path: str | os.PathLike) -> UrlList:
    """Read and parse a URL-list file (path or fsspec URL). Raises UrlListError when it cannot be read/decoded."""
    path = os.fspath(path)
    text = decode_url_list(_read_list_bytes(path))
    if text is None:
        raise UrlListError(f"URL list {path!r} is neither UTF-8 nor UTF-16 text")
    return read_url_list(text)


# ------------------------------------------------------------------------------------------------ identifiers


def _host_dir(url: httpx.URL) -> str:
    host = url.raw_host.decode("ascii").lower()  # IDNA (punycode) already
    default_port = {"http": 80, "https": 443}.get(url.scheme)
    if url.port is not None and url.port != default_port:
        host = f"{host}:{url.port}"
    return re.sub(r"[^a-z0-9.\-]", "_", host) or "_"


def url_key(url: str) -> str:
    """First 16 hex digits of the SHA-256 of the canonical URL (of the text itself when it is not one)."""
    try:
        url = canonical_url(url)
    except ValueError:
        url = url.strip()
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def fetched_article_id(url: str) -> str:
    """`fetched/{host}/{url_key}`: the article id of a URL (host lower-case, `_port` when not the default;
    `fetched/invalid/{key}` for something that is not an http(s) URL)."""
    try:
        host = _host_dir(httpx.URL(canonical_url(url)))
    except ValueError:
        host = "invalid"
    return f"{FETCHED_DIR}/{host}/{url_key(url)}"


def raw_path(raw_root: str, article_id: str, content_sha256: str) -> str:
    """Where the bytes of a fetched article with this content are kept: `{raw_root}/{article_id}/{sha[:16]}.txt`."""
    return f"{raw_root.rstrip('/')}/{article_id}/{content_sha256[:16]}.txt"


# --------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Fetched:
    """A URL downloaded and its bytes kept, unchanged, at `path` (content-addressed, never rewritten)."""

    url: str  # as given to fetch_urls
    article_id: str  # fetched/{host}/{url_key}
    path: str  # {raw_root}/fetched/{host}/{url_key}/{content_sha256[:16]}.txt (an fsspec URL for remote roots)
    size: int
    content_sha256: str
    status: int  # final HTTP status (2xx)
    attempts: int
    final_url: str = ""  # after redirects
    content_type: str | None = None  # the response's Content-Type header (may name a charset), for the decoder
    stored: bool = True  # False when the identical file was already there (not rewritten)


@dataclass(frozen=True)
class FetchFailed:
    """A URL that could not be downloaded: reason `fetch_failed` or `too_large` (nothing was kept)."""

    url: str
    article_id: str
    reason: str  # "fetch_failed" | "too_large"
    detail: str  # readable one-liner: "HTTP 404 Not Found after 1 attempt"
    attempts: int
    status: int | None = None  # last HTTP status received, if any


class RawStoreError(OSError):
    """The raw location cannot be written: the run fails (this is not a problem of one URL)."""


def read_fetched(item: Fetched) -> RawFile:
    """The kept bytes of a fetched article as the pipeline's RawFile (source_uri is the URL; the raw file is
    `item.path` == raw_path(raw_root, article_id, content_sha256)). Checks the bytes still hash as recorded."""
    fs, inner = url_to_fs(item.path)
    with fs.open(inner, "rb") as handle:
        content = handle.read()
    digest = hashlib.sha256(content).hexdigest()
    if digest != item.content_sha256:
        raise RawStoreError(f"raw file {item.path} changed since it was written (sha256 {digest})")
    return RawFile(
        article_id=item.article_id,
        source_uri=item.url,
        content=content,
        content_sha256=digest,
        size=len(content),
        mtime=None,  # no file mtime for a download: the incremental pre-check is skipped, the hash decides
    )


# -------------------------------------------------------------------------------- hard per-attempt deadline

_local = threading.local()


def _clip(timeout: float | None, kind: type[Exception]) -> float | None:
    deadline = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise kind("attempt deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """Every socket operation gets at most the time left before the attempt's deadline, so neither a server
    that trickles its headers or body byte by byte nor a slow TLS handshake can hold a worker longer."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clip(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clip(timeout, httpcore.ConnectTimeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _clip(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _install_deadlines(client: httpx.Client) -> bool:
    """Wrap the network backend of the client's transports (httpx internals; without them the deadline is
    still checked between body chunks, which bounds a trickled body but not trickled headers)."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    installed = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            continue
        if not isinstance(backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(backend)
        installed = True
    return installed


def make_client(timeout: float = 20.0, concurrency: int = 8) -> httpx.Client:
    """The client fetch_urls uses when none is given: timeouts, bounded redirects, User-Agent, hard deadlines."""
    client = httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": "text/plain, text/html;q=0.9, */*;q=0.8"},
        limits=httpx.Limits(max_connections=max(concurrency, 1) * 2, max_keepalive_connections=max(concurrency, 1)),
    )
    if not _install_deadlines(client):
        log.debug("httpx internals changed: per-attempt deadline enforced between body chunks only")
    return client


# ----------------------------------------------------------------------------------------------- fetching


class _TooLarge(Exception):
    pass


class _DeadlineExceeded(Exception):
    pass


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _status_text(response: httpx.Response) -> str:
    phrase = response.reason_phrase
    if not phrase:
        try:
            phrase = http.HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {response.status_code} {phrase}".rstrip()


def _retry_after(response: httpx.Response, cap: float) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    return max(0.0, min(seconds, cap))


def _backoff_delay(url: str, attempt: int, backoff: float) -> float:
    """backoff * 2**(attempt-1), capped, plus up to 10 % jitter that is deterministic per URL and attempt."""
    base = min(MAX_BACKOFF, backoff * (2 ** (attempt - 1)))
    fraction = int.from_bytes(hashlib.sha256(f"{url}#{attempt}".encode()).digest()[:4], "big") / 2**32
    return base * (1 + 0.1 * fraction)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 200 else text[:200] + "…"


class _Store:
    """Writes raw files through fsspec: temp file + rename, never overwriting an existing file."""

    def __init__(self, raw_root: str) -> None:
        try:
            self.fs, root = url_to_fs(raw_root)
        except (ValueError, ImportError) as error:
            raise RawStoreError(f"cannot open raw location {raw_root!r}: {error}") from error
        self.local = self.fs.protocol in ("file", ("file", "local"))
        self.root = posixpath.normpath(root) if self.local else root.rstrip("/")
        # Paths reported in results: absolute for local roots, else the fsspec URL as the caller spelled it.
        self.display_root = self.root if self.local else raw_root.rstrip("/")

    def uri(self, path: str) -> str:
        if path.startswith(self.root + "/"):
            return self.display_root + path[len(self.root):]
        return path if self.local else self.fs.unstrip_protocol(path)

    def put(self, path: str, data: bytes) -> bool:
        """Write `data` at `path` unless a file is there already. True when written."""
        try:
            if self.fs.exists(path):
                return False
            directory = posixpath.dirname(path)
            self.fs.makedirs(directory, exist_ok=True)
            temp = f"{directory}/.{posixpath.basename(path)}.{uuid.uuid4().hex[:12]}.tmp"
            try:
                with self.fs.open(temp, "wb") as handle:
                    handle.write(data)
                    if self.local:
                        handle.flush()
                        os.fsync(handle.fileno())
                self.fs.mv(temp, path)
            except BaseException:
                try:
                    self.fs.rm(temp)
                except OSError:
                    pass
                raise
            return True
        except OSError as error:
            raise RawStoreError(f"cannot write raw file {self.uri(path)}: {error}") from error


def _attempt(client: httpx.Client, url: str, timeout: float, max_bytes: int, headers: dict) -> tuple[httpx.Response, bytes]:
    """One GET: returns the final response and its body (empty unless 2xx). Raises httpx errors, _TooLarge,
    _DeadlineExceeded."""
    deadline = time.monotonic() + timeout
    _local.deadline = deadline
    try:
        with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(timeout), follow_redirects=True) as response:
            if not response.is_success:
                return response, b""
            length = response.headers.get("Content-Length")
            if length is not None and length.strip().isdigit() and int(length) > max_bytes:
                raise _TooLarge(f"Content-Length {int(length)} bytes, over the cap of {max_bytes} bytes; not downloaded")
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise _TooLarge(f"more than {max_bytes} bytes received, over the cap; download stopped, nothing kept")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _DeadlineExceeded()
            return response, b"".join(chunks)
    finally:
        _local.deadline = None


def _fetch_one(client: httpx.Client, url: str, store: _Store, *, timeout: float, retries: int, backoff: float,
               max_bytes: int, max_retry_after: float, headers: dict) -> Fetched | FetchFailed:
    article_id = fetched_article_id(url)
    try:
        target = canonical_url(url)
    except ValueError as error:
        return FetchFailed(url, article_id, REASON_FETCH_FAILED, f"invalid URL: {error}", 0)
    max_attempts = max(1, retries + 1)
    attempt = 0
    while True:
        attempt += 1
        wait: float | None = None
        status: int | None = None
        try:
            response, body = _attempt(client, target, timeout, max_bytes, headers)
            status = response.status_code
            if response.is_success:
                return _keep(store, url, article_id, response, body, attempt)
            failure = _status_text(response)
            retryable = status in RETRY_STATUSES or status >= 500
            if retryable:
                wait = _retry_after(response, max_retry_after)
        except _TooLarge as error:
            return FetchFailed(url, article_id, REASON_TOO_LARGE, f"{error} (attempt {attempt})", attempt, status)
        except (httpx.TimeoutException, _DeadlineExceeded):
            failure, retryable = "timed out", True
        except httpx.TooManyRedirects:
            failure, retryable = f"too many redirects (more than {client.max_redirects})", False
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            failure, retryable = f"cannot follow: {_short(error)}", False
        except httpx.DecodingError as error:
            failure, retryable = f"undecodable Content-Encoding: {_short(error)}", False
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as error:
            failure, retryable = f"connection failed: {_short(error)}", True
        except httpx.HTTPError as error:
            failure, retryable = f"{type(error).__name__}: {_short(error)}", False
        if not retryable or attempt >= max_attempts:
            after = f"after {_plural(attempt, 'attempt')}"
            if failure == "timed out":
                detail = f"timed out {after} ({_seconds(timeout)} each)"
            elif failure.startswith("connection failed: "):
                detail = f"connection failed {after}: {failure.removeprefix('connection failed: ')}"
            else:
                detail = f"{failure} {after}"
            return FetchFailed(url, article_id, REASON_FETCH_FAILED, detail, attempt, status)
        delay = _backoff_delay(target, attempt, backoff)
        if wait is not None:
            delay = max(delay, wait)
        log.debug("fetch %s: %s (attempt %d of %d), retrying in %.2f s", url, failure, attempt, max_attempts, delay)
        time.sleep(delay)


def _keep(store: _Store, url: str, article_id: str, response: httpx.Response, body: bytes, attempts: int) -> Fetched:
    digest = hashlib.sha256(body).hexdigest()
    path = raw_path(store.root, article_id, digest)
    written = store.put(path, body)
    sidecar = f"{store.root}/{article_id}/{SOURCE_URL_FILE}"
    store.put(sidecar, (url + "\n").encode("utf-8"))
    return Fetched(
        url=url,
        article_id=article_id,
        path=store.uri(path),
        size=len(body),
        content_sha256=digest,
        status=response.status_code,
        attempts=attempts,
        final_url=str(response.url),
        content_type=response.headers.get("Content-Type"),
        stored=written,
    )


def fetch_urls(
    urls: Sequence[str],
    raw_root: str,
    *,
    timeout: float = 20.0,
    retries: int = 3,
    backoff: float = 1.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    concurrency: int = 8,
    client: httpx.Client | None = None,
    max_retry_after: float = MAX_RETRY_AFTER,
) -> list[Fetched | FetchFailed]:
    """Download every URL and keep its bytes under `raw_root`; one result per input URL, in input order.

    `timeout`: seconds for connecting and for each read, and the hard deadline of one whole attempt.
    `retries`: retries after the first attempt (so at most `retries + 1` attempts), on connection errors,
    timeouts, 408, 429 and 5xx, waiting `backoff * 2**n` seconds (+ up to 10 % jitter, capped at 60 s), or the
    server's Retry-After when longer (capped at `max_retry_after`). Other 4xx fail at once.
    `max_bytes`: size cap, checked on Content-Length and while streaming; over it -> FetchFailed `too_large`.
    A URL repeated in `urls` is fetched once. Raises RawStoreError when the raw location cannot be written.
    """
    if not urls:
        return []
    store = _Store(raw_root)
    own = client is None
    if own:
        client = make_client(timeout, concurrency)
    headers = {} if not client.headers.get("User-Agent", "").startswith("python-httpx/") else {"User-Agent": USER_AGENT}
    # One download per distinct URL (two spellings of the same canonical URL are one URL).
    keys = [_dedupe_key(url) for url in urls]
    first: dict[str, str] = {}
    for key, url in zip(keys, urls):
        first.setdefault(key, url)
    options = dict(timeout=timeout, retries=retries, backoff=backoff, max_bytes=max_bytes,
                   max_retry_after=max_retry_after, headers=headers)
    try:
        workers = max(1, min(concurrency, len(first)))
        if workers == 1:
            done = {key: _fetch_one(client, url, store, **options) for key, url in first.items()}
        else:
            with concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsfacts-fetch") as pool:
                futures = {key: pool.submit(_fetch_one, client, url, store, **options) for key, url in first.items()}
                try:
                    done = {key: future.result() for key, future in futures.items()}
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    finally:
        if own:
            client.close()
    return [done[key] if done[key].url == url else dataclasses.replace(done[key], url=url) for key, url in zip(keys, urls)]


def _dedupe_key(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return url
