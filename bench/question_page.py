"""The seed question page against a trivial Django view, side by side, on the production server.

Starts `quaestio demo` (Granian, 2 workers, SQLite) in a temporary data directory, then:
1. latency: an open-loop run at a steady rate well below saturation, page and trivial view
   requests interleaved, >= 500 of each; server time from the Server-Timing header (total) and
   the client's round trip; p50/p95 of each and their ratio;
2. throughput: 16 concurrent keep-alive clients (4 processes x 4 threads, so the client is not
   one GIL), alternating page and trivial rounds; requests per second, median of the rounds,
   and the ratio page/trivial.
Throughput uses wrk when it is installed (apt-get install wrk): Python clients cannot generate
load fast enough to saturate the server on the trivial view, which would flatter the ratio.
Run: .venv/bin/python bench/question_page.py [--requests 500] [--rate 40] [--rounds 3] [--seconds 5]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PAGE = "/questions/38738/why-did-stalin-have-trotsky-killed"
TRIVIAL = "/ping"
TIMING = re.compile(r"total;dur=([\d.]+)")
QUERIES = re.compile(r'desc="(\d+) queries"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> tuple[subprocess.Popen, str]:
    data_dir = tempfile.mkdtemp(prefix="quaestio-bench-")
    # Server-Timing goes to staff only unless turned on for everyone; the bench reads it.
    env = {**os.environ, "QUAESTIO_DATA_DIR": data_dir, "QUAESTIO_SERVER_TIMING": "all"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quaestio.cli",
            "demo",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{TRIVIAL}", timeout=2)
            return process, data_dir
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start within 90 s")


def _process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except OSError:
                continue
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def server_cpu_seconds(root: int) -> float:
    """User + system CPU time of the server and its workers: unlike wall time, it does not
    grow when other work on the machine takes the cores away."""
    ticks = 0
    for pid in _process_tree(root):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_per_request(root: int, port: int, path: str, requests: int) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    before = server_cpu_seconds(root)
    for _ in range(requests):
        connection.request("GET", path)
        connection.getresponse().read()
    return (server_cpu_seconds(root) - before) / requests * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_run(port: int, requests: int, rate: float) -> dict[str, dict[str, list[float]]]:
    """Open loop: requests start on a fixed schedule whatever the previous one took."""
    results = {path: {"server": [], "client": [], "queries": []} for path in (PAGE, TRIVIAL)}
    lock = threading.Lock()
    schedule = [PAGE if i % 2 == 0 else TRIVIAL for i in range(2 * requests)]
    local = threading.local()

    def fire(path: str) -> None:
        connection = getattr(local, "connection", None) or http.client.HTTPConnection(
            "127.0.0.1", port
        )
        local.connection = connection
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        header = response.getheader("Server-Timing", "")
        with lock:
            results[path]["client"].append(elapsed)
            results[path]["server"].append(float(TIMING.search(header).group(1)))
            results[path]["queries"].append(int(QUERIES.search(header).group(1)))

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        start = time.perf_counter()
        for index, path in enumerate(schedule):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(fire, path)
    return results


def _client_process(port: int, path: str, seconds: float, threads: int, counter) -> None:
    stop = time.monotonic() + seconds
    done = [0] * threads

    def loop(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop:
            connection.request("GET", path)
            connection.getresponse().read()
            done[slot] += 1

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with counter.get_lock():
        counter.value += sum(done)


def wrk_throughput(port: int, path: str, seconds: float) -> float:
    """wrk (C, event loop) keeps 16 connections busy without the client being the bottleneck."""
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds:g}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def throughput(port: int, path: str, seconds: float, processes: int = 4, threads: int = 4) -> float:
    counter = multiprocessing.Value("l", 0)
    clients = [
        multiprocessing.Process(
            target=_client_process, args=(port, path, seconds, threads, counter)
        )
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return counter.value / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=500, help="requests of each kind in the latency run"
    )
    parser.add_argument(
        "--rate", type=float, default=40.0, help="requests per second in the latency run"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="length of each throughput round"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--cpu-requests", type=int, default=1000, help="requests per CPU-time round"
    )
    parser.add_argument(
        "--python-clients",
        action="store_true",
        help="use Python clients even when wrk is installed (they saturate before the server on trivial views)",
    )
    args = parser.parse_args()

    port = free_port()
    process, data_dir = start_server(port, args.workers)
    try:
        for _ in range(50):  # warm both workers' caches and connections
            for path in (PAGE, TRIVIAL):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
        print(f"Latency: {args.requests} of each, interleaved, open loop at {args.rate:g} req/s")
        results = latency_run(port, args.requests, args.rate)
        for label, path in (("question page", PAGE), ("trivial view", TRIVIAL)):
            r = results[path]
            print(
                f"  {label:14} server p50 {statistics.median(r['server']):6.2f} ms  p95 {percentile(r['server'], 0.95):6.2f} ms"
                f"   client p50 {statistics.median(r['client']):6.2f} ms  p95 {percentile(r['client'], 0.95):6.2f} ms"
                f"   queries {max(r['queries'])}"
            )
        page_p50 = statistics.median(results[PAGE]["server"])
        trivial_p50 = statistics.median(results[TRIVIAL]["server"])
        print(f"  server p50 ratio page/trivial: {page_p50 / trivial_p50:.1f}x")

        print(
            f"Server CPU per request (all server processes, {args.cpu_requests} sequential requests, 3 alternating rounds)"
        )
        cpu = {PAGE: [], TRIVIAL: []}
        for _ in range(3):
            for path in (PAGE, TRIVIAL):
                cpu[path].append(cpu_per_request(process.pid, port, path, args.cpu_requests))
        page_cpu, trivial_cpu = statistics.median(cpu[PAGE]), statistics.median(cpu[TRIVIAL])
        print(
            f"  question page  {page_cpu:6.2f} ms   trivial view  {trivial_cpu:6.2f} ms   ratio {page_cpu / trivial_cpu:.1f}x"
        )
        print(
            f"  throughput this predicts for the page on an idle machine: {trivial_cpu / page_cpu:.1%} of the trivial view's"
        )

        use_wrk = shutil.which("wrk") is not None and not args.python_clients
        client = "wrk, 16 connections" if use_wrk else "16 Python clients (4 processes x 4 threads)"
        print(f"Throughput: {client}, {args.rounds} alternating rounds of {args.seconds:g} s")
        measure = wrk_throughput if use_wrk else throughput
        rates: dict[str, list[float]] = {PAGE: [], TRIVIAL: []}
        for _ in range(args.rounds):
            for path in (PAGE, TRIVIAL):
                rates[path].append(measure(port, path, args.seconds))
        page_rps, trivial_rps = statistics.median(rates[PAGE]), statistics.median(rates[TRIVIAL])
        print(
            f"  question page  {page_rps:8.0f} req/s  (rounds: {', '.join(f'{r:.0f}' for r in rates[PAGE])})"
        )
        print(
            f"  trivial view   {trivial_rps:8.0f} req/s  (rounds: {', '.join(f'{r:.0f}' for r in rates[TRIVIAL])})"
        )
        print(f"  ratio page/trivial: {page_rps / trivial_rps:.1%}")
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
