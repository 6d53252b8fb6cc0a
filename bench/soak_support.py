"""Pieces of bench/soak.py: an HTTP visitor with cookies, the latency recorder, and the CPU
sampler that charges each process of the cluster (and its PostgreSQL backends) its CPU time."""

from __future__ import annotations

import http.client
import os
import re
import resource
import threading
import time
from urllib.parse import urlencode, urlparse, urlunparse

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fresh_postgres_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


class Visitor:
    """One browser: its address (sent as X-Forwarded-For, as a front proxy would), cookies."""

    def __init__(self, base: str, address: str, user_id: int | None = None) -> None:
        parsed = urlparse(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.address, self.user_id = address, user_id
        self.cookies: dict[str, str] = {}
        self.server_timing = ""  # of the last reply: the page cache marks its outcome there
        self._lock = threading.Lock()

    def _send(self, method: str, path: str, body: bytes | None, headers: dict):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            with self._lock:
                cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers = {"X-Forwarded-For": self.address, **headers}
            if cookie:
                headers["Cookie"] = cookie
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.server_timing = response.getheader("Server-Timing") or ""
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    with self._lock:
                        self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, data, response.getheader("Location")
        finally:
            connection.close()

    def request(self, method: str, path: str) -> tuple[int, bytes]:
        status, data, _ = self._send(method, path, None, {})
        return status, data

    def post_for_location(self, path: str, form: dict, json_reply: bool = False):
        form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if json_reply:
            headers["Accept"] = "application/json"
        return self._send("POST", path, urlencode(form).encode(), headers)

    def post(self, path: str, form: dict, json_reply: bool = False) -> tuple[int, bytes]:
        status, data, _ = self.post_for_location(path, form, json_reply)
        return status, data

    def log_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/users/login")
        token = TOKEN.search(page.decode())
        form = {"email": email, "password": password}
        if token:
            form["csrfmiddlewaretoken"] = token.group(1)
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _, _ = self._send("POST", "/users/login", body, headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not log in {email}: HTTP {status}")


class Recorder:
    """Latency from the scheduled send time, and the outcome, per kind of request."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[str, int]] = {}
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._client_cpu = _own_cpu()

    def run(self, kind: str, scheduled: float, call) -> None:
        try:
            status = call()[0]
            outcome = f"{status // 100}xx"
        except Exception as error:  # noqa: BLE001 — a lost connection is an outcome to count
            outcome = "connection error"
            with self._lock:
                self.failures.append(f"{kind}: {error!r}")
            status = None
        elapsed = time.monotonic() - scheduled
        with self._lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            counts = self.statuses.setdefault(kind, {})
            counts[outcome] = counts.get(outcome, 0) + 1
            if status is not None and status >= 500:
                self.failures.append(f"{kind}: HTTP {status}")

    def total(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    def summary(self) -> dict:
        kinds = {}
        for kind in sorted(self.latencies):
            values = self.latencies[kind]
            kinds[kind] = {
                "requests": len(values),
                "p50_ms": round(percentile(values, 0.50) * 1000, 1),
                "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                "p99_ms": round(percentile(values, 0.99) * 1000, 1),
                "outcomes": self.statuses[kind],
            }
        every = [value for values in self.latencies.values() for value in values]
        fives = sum(counts.get("5xx", 0) for counts in self.statuses.values())
        lost = sum(counts.get("connection error", 0) for counts in self.statuses.values())
        return {
            "requests": len(every),
            "p50_ms": round(percentile(every, 0.50) * 1000, 1),
            "p95_ms": round(percentile(every, 0.95) * 1000, 1),
            "p99_ms": round(percentile(every, 0.99) * 1000, 1),
            "status_5xx": fives,
            "connection_errors": lost,
            "first_failures": self.failures[:10],
            "client_cpu_seconds": round(_own_cpu() - self._client_cpu, 1),
            "kinds": kinds,
        }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _stat(pid: int) -> tuple[int, int, float] | None:
    """(parent pid, start time, CPU seconds) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuSampler:
    """Every second, the CPU time of each process under the cluster and of the PostgreSQL
    backends connected to its database, remembered per process (pid and start time), so one
    killed mid-run keeps what it used up to its last sample."""

    def __init__(self, root_pid: int, database_url: str | None) -> None:
        self.root_pid, self.database_url = root_pid, database_url
        self.first: dict[tuple[int, int], float] = {}
        self.last: dict[tuple[int, int], tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._machine_start = _machine_busy()

    def start(self) -> None:
        self._sample(initial=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._machine_end = _machine_busy()

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self._sample()

    def _postgres_pids(self) -> list[int]:
        if not self.database_url:
            return []
        import psycopg

        name = urlparse(self.database_url).path.lstrip("/")
        try:
            with psycopg.connect(self.database_url, autocommit=True) as db:
                rows = db.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    [name],
                ).fetchall()
        except psycopg.Error:
            return []
        return [row[0] for row in rows]

    def _sample(self, initial: bool = False) -> None:
        parents: dict[int, int] = {}
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                found = _stat(int(entry))
                if found:
                    parents[int(entry)] = found[0]
                    stats[int(entry)] = found
        roles = {}
        for pid in stats:
            chain, current = [], pid
            while current in parents and current != self.root_pid and len(chain) < 20:
                chain.append(current)
                current = parents[current]
            if current == self.root_pid:
                top = chain[-1] if chain else pid
                roles[pid] = _role(_command(top)) if chain else "runner"
        for pid in self._postgres_pids():
            if pid in stats:
                roles[pid] = "postgresql"
        for pid, role in roles.items():
            key = (pid, stats[pid][1])
            # Processes there at the start count from then; those started later from zero.
            self.first.setdefault(key, stats[pid][2] if initial else 0.0)
            self.last[key] = (role, stats[pid][2])

    def summary(self, requests: int) -> dict:
        seconds: dict[str, float] = {}
        for key, (role, used) in self.last.items():
            seconds[role] = seconds.get(role, 0.0) + used - self.first.get(key, 0.0)
        busy = self._machine_end[0] - self._machine_start[0]
        total = self._machine_end[1] - self._machine_start[1]
        per_request = {
            role: round(value * 1000 / max(requests, 1), 3) for role, value in seconds.items()
        }
        return {
            "seconds_by_role": {role: round(value, 1) for role, value in seconds.items()},
            "ms_per_request_by_role": per_request,
            "web_plus_postgresql_ms_per_request": round(
                per_request.get("web", 0) + per_request.get("postgresql", 0), 3
            ),
            "machine_busy_share": round(busy / max(total, 1), 3),
            "cores": os.cpu_count(),
        }


def _role(command: str) -> str:
    if "granian" in command:
        return "web"
    if "quaestio.cluster.proxy" in command:
        return "proxy"
    if "db_worker" in command:
        return "worker"
    return "other"
