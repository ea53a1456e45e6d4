"""Benchmark: newsfacts against a naive jieba + pandas script, on a deterministic synthetic corpus.

    python benchmarks/run.py --articles N --json PATH [--seed S] [--batch-size B] [--workdir DIR] [--keep]
                             [--skip-baseline] [--compare EARLIER.json] [--repeat R]

1. writes N article files in the raw layout (benchmarks/corpus.py; a fixed seed) into a work folder;
2. starts one Prefect server on the loopback address (`prefect server start --host 127.0.0.1 --port <free>`, its
   own temporary PREFECT_HOME), waits for /api/health and reports that one-off start-up on its own line;
3. measures, each as its own process, one after the other:
   baseline  benchmarks/baseline.py: read, jieba.lcut, one DataFrame, to_parquet once
   full      `newsfacts run` into an empty destination (every table, facts included)
   noop      the same run again, nothing changed
   delta1    the same run after 1 % of the files were edited
   the runs pointed at the server with PREFECT_API_URL, as scheduled runs would be; the four stages are repeated
   `--repeat` times (default 3; each repetition edits the same files to a new revision) and each stage's median
   is reported, as a single run is at the mercy of a machine whose speed drifts by 5-10 % within minutes;
4. stops the server (also on an error, Ctrl-C or SIGTERM), writes the JSON file and prints a markdown table with
   pass/fail per target (reported, not enforced).

See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import importlib.util
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

if __package__:
    from . import corpus
else:  # run as a script: benchmarks/ is on sys.path
    import corpus

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1_000_000
REQUIRED_KEYS = ("articles", "mb", "baseline_s", "full_s", "noop_s", "delta1_s", "peak_rss_mb")
TARGET_N = 20_000
TARGET_CPUS = 2
PIPELINE_STAGES = ("full", "noop", "delta1")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------------------------
# Processes: wall time and peak memory of one stage's process tree
# ----------------------------------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rpartition(b")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree_pids(root: int) -> Iterator[int]:
    """`root` and all its descendants alive now."""
    children = _children_map()
    todo = [root]
    while todo:
        pid = todo.pop()
        yield pid
        todo.extend(children.get(pid, ()))


def tree_rss_bytes(root: int) -> int:
    """Current resident memory of `root` and all its descendants (sum of their RSS)."""
    total = 0
    for pid in _tree_pids(root):
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            pass
    return total


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds the whole machine has been busy (all CPUs, /proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS


def tree_cpu_s(root: int) -> float:
    """CPU seconds used so far by `root` and its live descendants (with the children they have waited for)."""
    total = 0
    for pid in _tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rpartition(b")")[2].split()
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        except OSError:
            pass
    return total / CLOCK_TICKS


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree every `interval` seconds and keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def signal_group(pgid: int, signum: int) -> bool:
    try:
        os.killpg(pgid, signum)
        return True
    except ProcessLookupError:
        return False


def kill_group(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the process group started for `proc` (its own session), SIGKILL it after `grace` seconds."""
    if not signal_group(proc.pid, signal.SIGTERM) or proc.returncode is not None:
        return  # nothing left, or only leftovers of a leader already reaped (they got the SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


@dataclass
class Measured:
    command: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    largest_process_rss_mb: float  # ru_maxrss from wait4: the largest single process of the tree (exact)
    tree_rss_sampled_mb: float  # peak of the summed RSS of the tree, sampled every 0.1 s
    stdout: str
    stderr: str
    machine_busy_s: float = 0.0  # CPU seconds the machine was busy during the stage (this script's own excluded)
    involuntary_switches: int = 0  # the stage preempted while runnable: a sign of competition for the CPUs

    @property
    def peak_rss_mb(self) -> float:
        return max(self.largest_process_rss_mb, self.tree_rss_sampled_mb)


_current: subprocess.Popen | None = None  # the stage running now, killed on an interrupt


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], env: dict[str, str], logs: Path, name: str, timeout: float) -> Measured:
    """Run `command` as a new process group; wall time, CPU time and peak RSS of its tree.

    `os.wait4` returns the rusage of this one child (with its waited-for descendants), so each stage's ru_maxrss
    is its own, unlike RUSAGE_CHILDREN, which is a maximum over every child ever waited for.
    """
    global _current
    out_path, err_path = logs / f"{name}.stdout", logs / f"{name}.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        busy_before = machine_busy_s() - _self_cpu_s()
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=err, start_new_session=True)
        _current = proc
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, signal_group, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            busy = machine_busy_s() - _self_cpu_s() - busy_before
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            timer.cancel()
            tree_peak = sampler.stop()
            kill_group(proc)  # leftovers of the tree, if any
            _current = None
    return Measured(
        command=[str(c) for c in command],
        returncode=proc.returncode,
        wall_s=wall,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        largest_process_rss_mb=usage.ru_maxrss * 1024 / MB,  # Linux: kilobytes
        tree_rss_sampled_mb=tree_peak / MB,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        machine_busy_s=busy,
        involuntary_switches=usage.ru_nivcsw,
    )


# ----------------------------------------------------------------------------------------------------------------
# The Prefect server
# ----------------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(prefect_home: Path) -> dict[str, str]:
    """The caller's environment without its PREFECT_* settings, with a private Prefect home and no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    return env


def _executable(name: str, module: str) -> list[str]:
    """The venv's console script next to this Python, else `python -m module`."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


class PrefectServer:
    def __init__(self, home: Path, log_path: Path) -> None:
        self.home, self.log_path = home, log_path
        self.proc: subprocess.Popen | None = None
        self.api_url = ""
        self.sampler: TreeSampler | None = None

    def start(self, timeout: float = 240.0) -> float:
        """Start the server and wait for /api/health. Returns the seconds until it answered."""
        port = free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        command = [*_executable("prefect", "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        started = time.perf_counter()
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(command, env=base_env(self.home), cwd=self.home, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.sampler = TreeSampler(self.proc.pid, interval=0.5)
        self.sampler.start()
        while True:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"prefect server exited with {self.proc.returncode} before it was ready:\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"prefect server not ready after {timeout:.0f} s (log: {self.log_path})")
            time.sleep(0.2)

    def stop(self) -> float:
        """Stop the server's process group; returns its peak RSS (MB, sampled)."""
        peak = self.sampler.stop() / MB if self.sampler else 0.0
        if self.proc is not None:
            kill_group(self.proc)
        return peak

    def cpu_s(self) -> float:
        return tree_cpu_s(self.proc.pid) if self.proc is not None else 0.0

    def post(self, path: str, body: dict) -> list | dict:
        request = urllib.request.Request(f"{self.api_url}{path}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def flow_run_ids(self) -> set[str]:
        ids: set[str] = set()
        offset = 0
        while True:
            page = self.post("/flow_runs/filter", {"limit": 200, "offset": offset})
            ids.update(run["id"] for run in page)
            if len(page) < 200:
                return ids
            offset += 200

    def task_seconds(self, flow_run_id: str, wait: float = 30.0) -> tuple[dict[str, dict], float | None]:
        """Per task name (e.g. transform-batch) of one flow run, as the server recorded it: number of task runs,
        the sum of their run times, and their wall time (the union of their start-end intervals, which is what
        counts when tasks run in parallel); and the flow run's own run time. Task runs reach the server as events
        and are recorded a moment later: poll until every task run has finished and two reads agree."""
        deadline = time.perf_counter() + wait
        previous = None
        while True:
            runs: list[dict] = []
            offset = 0
            while True:
                page = self.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run_id]}}, "limit": 200,
                                                       "offset": offset})
                runs += page
                if len(page) < 200:
                    break
                offset += 200
            flow_run = self.post("/flow_runs/filter", {"flow_runs": {"id": {"any_": [flow_run_id]}}})
            snapshot = sorted((r["id"], r.get("state_type"), r.get("total_run_time")) for r in runs)
            settled = runs and all(r.get("end_time") for r in runs) and snapshot == previous
            if settled or time.perf_counter() > deadline:
                break
            previous = snapshot
            time.sleep(0.5)
        by_name: dict[str, list[dict]] = {}
        for run in runs:
            by_name.setdefault(re.sub(r"-[0-9a-f]{3}$", "", run["name"]), []).append(run)  # names end in -abc
        per_task = {}
        for name, group in sorted(by_name.items()):
            intervals = [(dt.datetime.fromisoformat(r["start_time"]), dt.datetime.fromisoformat(r["end_time"]))
                         for r in group if r.get("start_time") and r.get("end_time")]
            per_task[name] = {
                "runs": len(group),
                "sum_s": round(sum(float(r.get("total_run_time") or 0.0) for r in group), 3),
                "wall_s": round(union_seconds(intervals), 3),
            }
        flow_s = float(flow_run[0]["total_run_time"]) if flow_run else None
        return per_task, flow_s


def union_seconds(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    """Length of the union of time intervals (overlaps counted once)."""
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total


# ----------------------------------------------------------------------------------------------------------------
# Reading a newsfacts run's own report
# ----------------------------------------------------------------------------------------------------------------

_COUNTS_RE = re.compile(r"articles: (\d+) new, (\d+) changed, (\d+) unchanged, (\d+) rejected")
_PIPELINE_RE = re.compile(r"\(([0-9.]+) s in the pipeline")


def run_report(stdout: str, summary_path: Path | None) -> dict:
    """What the run says about itself: its JSON summary (`--json-summary`) when written, else its printed summary."""
    report: dict = {}
    if summary_path is not None and summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        stage_seconds = summary.get("stage_seconds") or summary.get("timings") or {}

        def first(*keys: str) -> float | None:
            for key in keys:
                for where in (summary, stage_seconds):
                    if where.get(key) is not None:
                        return float(where[key])
            return None

        # The interface asked for: wall seconds during which at least one transform ran. Older summaries:
        # `stage_seconds.transform`, which is that same wall time as long as transforms run one at a time.
        report["transform_wall_s"] = first("transform_wall_s")
        report["transform_seq_s"] = first("transform_s", "transform")
        report["pipeline_s"] = summary.get("pipeline_s", summary.get("elapsed_s"))
        report["stage_seconds"] = stage_seconds or None
        report["counts"] = {k: summary.get(k) for k in ("n_new", "n_changed", "n_unchanged", "n_rejected")}
        return report
    counts = _COUNTS_RE.search(stdout)
    if counts:
        report["counts"] = dict(zip(("n_new", "n_changed", "n_unchanged", "n_rejected"), map(int, counts.groups())))
    pipeline = _PIPELINE_RE.search(stdout)
    if pipeline:
        report["pipeline_s"] = float(pipeline.group(1))
    return report


def transform_seconds(report: dict, task_s: dict[str, dict], wall_s: float) -> tuple[float | None, str | None]:
    """Wall seconds in our transforms, and where the figure comes from, first found of:
    1. the run's `transform_wall_s` (`--json-summary`);
    2. the union of the intervals of its transform-batch task runs, as recorded by the Prefect server
       (right also when transforms run in parallel; 0 when the flow ran no transform task);
    3. the run's `stage_seconds.transform` / `transform_s`, when it is not more than the wall time (a sum over
       parallel tasks would be)."""
    if report.get("transform_wall_s") is not None:
        return report["transform_wall_s"], "newsfacts --json-summary (transform_wall_s)"
    if task_s:
        return task_s.get("transform-batch", {}).get("wall_s", 0.0), "Prefect server: transform-batch task runs"
    seq = report.get("transform_seq_s")
    if seq is not None and seq <= wall_s:
        return seq, "newsfacts --json-summary (stage_seconds.transform)"
    return None, None


def supports_json_summary(command: list[str], env: dict[str, str]) -> bool:
    result = subprocess.run([*command, "run", "--help"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    return "--json-summary" in result.stdout


# ----------------------------------------------------------------------------------------------------------------
# Machine facts, targets, output
# ----------------------------------------------------------------------------------------------------------------


def machine_info() -> dict:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = round(int(line.split()[1]) * 1024 / MB)
    except OSError:
        pass
    versions = {}
    for package in ("prefect", "deltalake", "pyarrow", "pandas", "jieba", "rjieba"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    git = {}
    try:
        git["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        git["dirty"] = bool(subprocess.run(["git", "status", "--porcelain", "--", "flows", "transforms"], cwd=REPO,
                                           capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    # The compiled transforms (`make accel`, flows/accel.py) the `newsfacts run` stages load: [] = pure Python.
    # (Loaded as a file: importing the `flows` package would set Prefect defaults in this process.)
    spec = importlib.util.spec_from_file_location("_newsfacts_accel", REPO / "flows" / "accel.py")
    accel = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(accel)  # type: ignore[union-attr]
    compiled = sorted(accel.usable_modules(REPO)) if os.environ.get(accel.ACCEL_ENV, "1") != "0" else []
    return {
        "compiled_transforms": compiled,
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": model,
        "memory_mb": mem_total,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "git": git,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 4) if a is not None and b else None


def evaluate_targets(results: dict, compare: dict | None) -> list[dict]:
    ratios = results["ratios"]
    targets = [
        {"target": "full_s <= 0.5 * baseline_s", "limit": 0.5, "value": ratios["full_over_baseline"]},
        {"target": "noop_s <= 0.05 * full_s", "limit": 0.05, "value": ratios["noop_over_full"]},
        {"target": "delta1_s <= 0.10 * full_s", "limit": 0.10, "value": ratios["delta1_over_full"]},
        {"target": "peak RSS <= 1.5 GB", "limit": 1500.0, "value": results["peak_rss_mb"]},
    ]
    growth = {"target": "peak RSS grows < 20% from N=20,000 to N=100,000", "limit": 0.20, "value": None}
    if compare and compare.get("peak_rss_mb") and compare.get("articles", 0) < results["articles"]:
        growth["value"] = round(results["peak_rss_mb"] / compare["peak_rss_mb"] - 1, 4)
        growth["compared_with"] = {"articles": compare["articles"], "peak_rss_mb": compare["peak_rss_mb"]}
        growth["strict"] = compare["articles"] == TARGET_N and results["articles"] == 5 * TARGET_N
    targets.append(growth)
    for target in targets:
        value = target["value"]
        target["pass"] = None if value is None else (value < target["limit"] if "grows" in target["target"] else value <= target["limit"])
    return targets


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict) -> str:
    lines = [
        f"Prefect server start-up (one-off, before the stages, in none of them): {results['server_start_s']:.1f} s",
        "",
        f"N = {results['articles']:,} articles, {results['mb']:.2f} MB "
        f"({results['corpus']['bad_files']} bad on purpose), {results['machine']['cpus_usable']} CPUs "
        f"({results['machine']['cpu_model']}), Python {results['machine']['python']}, transforms "
        + (f"compiled ({len(results['machine'].get('compiled_transforms', []))} modules, `make accel`)"
           if results["machine"].get("compiled_transforms") else "pure Python"),
        "",
        *([f"Each stage measured {results['repeat']} times, interleaved; the median run shown (every run's wall time "
           "in the JSON: `wall_s_runs`).", ""] if results.get("repeat", 1) > 1 else []),
        "| stage | wall s | MB/s | peak RSS MB | in transforms s | outside transforms s | ratio |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    ratio_text = {"full": ("full_over_baseline", "baseline"), "noop": ("noop_over_full", "full"),
                  "delta1": ("delta1_over_full", "full")}
    for name, stage in results["stages"].items():
        ratio = ""
        if name in ratio_text:
            key, of = ratio_text[name]
            value = results["ratios"][key]
            ratio = f"{value:.3f} × {of}" if value is not None else ""
        lines.append(f"| {name} | {_fmt(stage['wall_s'])} | {_fmt(stage['mb_per_s'])} | {_fmt(stage['peak_rss_mb'], 0)} "
                     f"| {_fmt(stage.get('transform_s'))} | {_fmt(stage.get('outside_transforms_s'))} | {ratio} |")
    lines += ["", "| target | measured | result |", "|---|---:|---|"]
    for target in results["targets"]:
        value = target["value"]
        shown = "not measured" if value is None else (_fmt(value, 0) + " MB" if "1.5 GB" in target["target"]
                                                      else f"{value:.1%}" if "grows" in target["target"] else f"{value:.3f}")
        verdict = "n/a" if target["pass"] is None else ("pass" if target["pass"] else "FAIL")
        lines.append(f"| {target['target']} | {shown} | {verdict} |")
    for note in results["notes"]:
        lines.append(f"\n{note}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    measured: Measured
    report: dict = field(default_factory=dict)
    task_s: dict[str, dict] = field(default_factory=dict)
    server_cpu_s: float = 0.0


def stage_record(stage: Stage, mb: float) -> dict:
    m = stage.measured
    record = {
        "wall_s": round(m.wall_s, 3),
        "mb_per_s": round(mb / m.wall_s, 4) if m.wall_s else None,
        "peak_rss_mb": round(m.peak_rss_mb, 1),
        "largest_process_rss_mb": round(m.largest_process_rss_mb, 1),
        "tree_rss_sampled_mb": round(m.tree_rss_sampled_mb, 1),
        "cpu_user_s": round(m.user_s, 2),
        "cpu_sys_s": round(m.sys_s, 2),
        "server_cpu_s": round(stage.server_cpu_s, 2),
        # CPU the rest of the machine used meanwhile (other users' jobs), and how often the stage was preempted.
        "others_cpu_s": round(max(0.0, m.machine_busy_s - m.user_s - m.sys_s - stage.server_cpu_s), 2),
        "involuntary_switches": m.involuntary_switches,
        "returncode": m.returncode,
        "command": m.command,
    }
    report = stage.report
    if stage.name == "baseline":
        transform_s, source = report["transform_s"], report["timing_source"]
    else:
        transform_s, source = transform_seconds(report, stage.task_s, m.wall_s)
    record["transform_s"] = None if transform_s is None else round(transform_s, 3)
    record["outside_transforms_s"] = None if transform_s is None else round(m.wall_s - transform_s, 3)
    record["timing_source"] = source
    for key in ("pipeline_s", "counts", "stage_seconds", "timings", "files_changed"):
        if report.get(key) is not None:
            record[key] = report[key]
    if stage.task_s:
        record["task_s"] = stage.task_s
    if report.get("flow_run_s") is not None:
        record["flow_run_s"] = round(report["flow_run_s"], 3)  # the flow's run time as the server recorded it
        record["outside_flow_s"] = round(m.wall_s - report["flow_run_s"], 3)  # process start, imports, Prefect
    return record


def run_benchmark(args: argparse.Namespace, work: Path) -> dict:
    raw, dest, logs, home = work / "raw", work / "processed", work / "logs", work / "prefect-home"
    for folder in (logs, home):
        folder.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []

    log(f"writing {args.articles:,} articles (seed {args.seed}) to {raw}")
    started = time.perf_counter()
    info = corpus.write_corpus(raw, args.articles, args.seed)
    generate_s = time.perf_counter() - started
    mb = info.bytes / MB
    log(f"corpus: {info.files:,} files, {mb:.2f} MB, {sum(info.bad.values())} bad, in {generate_s:.1f} s")

    server = PrefectServer(home, logs / "prefect-server.log")
    stages: dict[str, list[Stage]] = {}  # every repetition of each stage, in order
    server_peak = None
    try:
        log("starting the Prefect server")
        server_start_s = server.start()
        log(f"Prefect server ready at {server.api_url} after {server_start_s:.1f} s (one-off, in no stage)")
        env = {**base_env(home), "PREFECT_API_URL": server.api_url}
        newsfacts = _executable("newsfacts", "flows")
        json_summary = supports_json_summary(newsfacts, env)
        if not json_summary:
            notes.append("`newsfacts run` has no --json-summary: counts come from its printed summary.")
        for rep in range(1, args.repeat + 1):
            tag = f" (run {rep} of {args.repeat})" if args.repeat > 1 else ""
            if not args.skip_baseline:
                log(f"baseline{tag}: jieba.lcut + pandas + to_parquet")
                timings_path = work / f"baseline-timings-{rep}.json"
                command = [sys.executable, str(HERE / "baseline.py"), str(raw), str(work / "baseline.parquet"),
                           "--timings", str(timings_path)]
                server_cpu = server.cpu_s()
                measured = measure(command, env, logs, f"baseline-{rep}", args.timeout)
                if measured.returncode != 0:
                    raise RuntimeError(f"baseline failed ({measured.returncode}):\n{measured.stderr[-2000:]}")
                timings = json.loads(timings_path.read_text())
                stages.setdefault("baseline", []).append(
                    Stage("baseline", measured, {"transform_s": timings["transform_s"], "timings": timings,
                                                 "timing_source": "baseline.py (jieba.lcut)"},
                          server_cpu_s=server.cpu_s() - server_cpu))
                log(f"baseline{tag}: {measured.wall_s:.1f} s")
            if dest.exists():
                shutil.rmtree(dest)  # every full run starts from an empty destination
            for name in PIPELINE_STAGES:
                if name == "delta1":
                    # Each repetition edits the same 1 % of the files to a new revision of their text.
                    changed = corpus.change_articles(raw, args.articles, args.seed, 0.01, revision=rep)
                    log(f"delta1{tag}: edited {changed.files} files ({changed.bytes / MB:.3f} MB)")
                summary_path = work / f"{name}-summary-{rep}.json"
                command = [*newsfacts, "run", "--source", str(raw), "--dest", str(dest), "--batch-size", str(args.batch_size)]
                if json_summary:
                    command += ["--json-summary", str(summary_path)]
                before = server.flow_run_ids()
                log(f"{name}{tag}: {' '.join(command[-6:])}")
                server_cpu = server.cpu_s()
                measured = measure(command, env, logs, f"{name}-{rep}", args.timeout)
                server_cpu = server.cpu_s() - server_cpu
                if measured.returncode != 0:
                    raise RuntimeError(f"{name} failed ({measured.returncode}):\n{measured.stdout[-1500:]}\n{measured.stderr[-2500:]}")
                stage = Stage(name, measured, run_report(measured.stdout, summary_path if json_summary else None),
                              server_cpu_s=server_cpu)
                if name == "delta1":
                    stage.report["files_changed"] = changed.files
                new_runs = sorted(server.flow_run_ids() - before)
                if len(new_runs) == 1:
                    stage.task_s, stage.report["flow_run_s"] = server.task_seconds(new_runs[0])
                else:
                    notes.append(f"{name}: expected one new flow run on the server, found {len(new_runs)}")
                stages.setdefault(name, []).append(stage)
                log(f"{name}{tag}: {measured.wall_s:.1f} s, counts {stage.report.get('counts')}")
    finally:
        with signals_held():
            if _current is not None:
                kill_group(_current, grace=5)
            log("stopping the Prefect server")
            server_peak = server.stop()

    # Each stage's record is that of its median repetition (by wall time), with every repetition's wall time and
    # the largest peak of them all.
    records = {}
    for name, runs in stages.items():
        median = sorted(runs, key=lambda stage: stage.measured.wall_s)[(len(runs) - 1) // 2]
        record = stage_record(median, mb)
        record["wall_s_runs"] = [round(stage.measured.wall_s, 3) for stage in runs]
        record["peak_rss_mb"] = round(max(stage.measured.peak_rss_mb for stage in runs), 1)
        records[name] = record
    _check_counts(records, info, notes)
    machine = machine_info()
    cpus = machine["cpus_usable"]
    for name, record in records.items():
        share = record["others_cpu_s"] / (record["wall_s"] * cpus) if record["wall_s"] else 0
        if share > 0.10:
            notes.append(f"{name}: other processes used {record['others_cpu_s']:.1f} CPU-s during the stage "
                         f"({share:.0%} of the machine): its times are inflated; rerun on a quiet machine.")
    get = lambda name: records[name]["wall_s"] if name in records else None  # noqa: E731
    results = {
        "articles": args.articles,
        "mb": round(mb, 4),
        "baseline_s": get("baseline"),
        "full_s": get("full"),
        "noop_s": get("noop"),
        "delta1_s": get("delta1"),
        "peak_rss_mb": max(records[name]["peak_rss_mb"] for name in PIPELINE_STAGES),
        "server_start_s": round(server_start_s, 3),
        "server_peak_rss_mb": round(server_peak, 1) if server_peak else None,
        "ratios": {
            "full_over_baseline": _ratio(get("full"), get("baseline")),
            "noop_over_full": _ratio(get("noop"), get("full")),
            "delta1_over_full": _ratio(get("delta1"), get("full")),
        },
        "stages": records,
        "corpus": {**info.as_dict(), "bad_files": sum(info.bad.values()), "seed": args.seed,
                   "generate_s": round(generate_s, 3)},
        "batch_size": args.batch_size,
        "repeat": args.repeat,
        "machine": machine,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "notes": notes,
    }
    compare = json.loads(Path(args.compare).read_text()) if args.compare else None
    results["targets"] = evaluate_targets(results, compare)
    if args.articles != TARGET_N or results["machine"]["cpus_usable"] != TARGET_CPUS:
        notes.insert(0, f"The targets are set for N = {TARGET_N:,} on {TARGET_CPUS} CPUs; this run (N = {args.articles:,}, "
                        f"{results['machine']['cpus_usable']} CPUs) only indicates where they stand.")
    return results


def _check_counts(records: dict, info: corpus.CorpusInfo, notes: list[str]) -> None:
    """Flag runs that did not do what the stage means (reported, the timings are still written)."""
    def counts(name: str) -> dict | None:
        return records.get(name, {}).get("counts")

    full, noop, delta1 = counts("full"), counts("noop"), counts("delta1")
    if full and full["n_new"] + full["n_rejected"] != info.files:
        notes.append(f"full: {full['n_new']} new + {full['n_rejected']} rejected != {info.files} files")
    if noop and (noop["n_new"] or noop["n_changed"]):
        notes.append(f"noop: the run processed files ({noop['n_new']} new, {noop['n_changed']} changed)")
    if delta1:
        changed = records["delta1"].get("files_changed")
        done = delta1["n_new"] + delta1["n_changed"] + delta1["n_rejected"]
        if changed is not None and done != changed:
            notes.append(f"delta1: {changed} files edited, the run processed {done}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", "-n", type=int, required=True, help="corpus size N")
    parser.add_argument("--json", required=True, help="where to write the results (JSON)")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED, help="corpus seed (default %(default)s)")
    parser.add_argument("--batch-size", type=int, default=500, help="passed to `newsfacts run` (default %(default)s, as `newsfacts run`)")
    parser.add_argument("--workdir", help="folder for the corpus, tables and logs (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (always kept when --workdir is given)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the baseline (it needs ~250 MB per 1,000 articles)")
    parser.add_argument("--compare", help="results JSON of a smaller N (e.g. 20,000), for the RSS growth target")
    parser.add_argument("--repeat", type=int, default=3,
                        help="times each stage is measured, interleaved (baseline, full, noop, delta1, baseline, ...); "
                             "the median is reported (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="per-stage timeout in seconds")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """A second Ctrl-C or SIGTERM during clean-up must not leave the server or a stage running."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (a background job)
    if args.workdir:
        work = Path(args.workdir).resolve()
        if work.exists() and any(work.iterdir()):
            print(f"run.py: error: --workdir {work} is not empty", file=sys.stderr)
            return 2
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="newsfacts-bench-"))
    try:
        results = run_benchmark(args, work)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except RuntimeError as error:
        print(f"run.py: error: {error}", file=sys.stderr)
        return 1
    finally:
        if args.workdir or args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    missing = [key for key in REQUIRED_KEYS if key not in results]
    assert not missing, missing
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(results), flush=True)
    log(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
