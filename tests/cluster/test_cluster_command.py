"""`quaestio cluster` (issue 20.4): two web processes behind the proxy and the task worker; a
web process killed is restarted and the site keeps answering meanwhile; Ctrl-C (SIGTERM here)
stops every process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

from tests.cluster.servers import free_ports, get, quaestio, site_environment, wait_until_serving


class Output:
    """The cluster's prefixed output, collected as it comes."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process) -> None:
        for line in process.stdout:
            self.lines.append(line.rstrip())

    def pids(self, name: str) -> list[int]:
        pattern = re.compile(rf"^cluster +\| {re.escape(name)} started: pid (\d+)$")
        return [int(m.group(1)) for line in self.lines if (m := pattern.match(line))]

    def wait_for(self, predicate, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError("the cluster did not get there:\n" + "\n".join(self.lines[-40:]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cluster_restarts_a_killed_web_process_and_keeps_serving(tmp_path):
    port = free_ports(3)
    env = site_environment(tmp_path, "cluster")
    runner = subprocess.Popen(
        quaestio("cluster", "--web", "2", "--port", str(port)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(runner)
    site = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{site}/questions", runner)
        for name in ("web.1", "web.2", "proxy", "worker"):
            output.wait_for(lambda name=name: output.pids(name))
        assert all(get(f"{site}/questions")[0] == 200 for _ in range(4))

        killed = output.pids("web.1")[0]
        os.kill(killed, signal.SIGKILL)
        # While web.1 is down and coming back, every request is still answered (by web.2).
        statuses = []
        deadline = time.monotonic() + 60
        while len(output.pids("web.1")) < 2 and time.monotonic() < deadline:
            statuses.append(get(f"{site}/questions")[0])
        assert len(output.pids("web.1")) == 2, "web.1 was started again"
        assert statuses and set(statuses) == {200}
        assert any(f"web.1 (pid {killed}) exited" in line for line in output.lines)

        restarted = output.pids("web.1")[1]
        assert restarted != killed and _alive(restarted)
        wait_until_serving(f"http://127.0.0.1:{port + 1}/questions")  # web.1's own port
        assert get(f"http://127.0.0.1:{port + 1}/questions")[0] == 200
        assert all(get(f"{site}/questions")[0] == 200 for _ in range(4))
    finally:
        runner.send_signal(signal.SIGTERM)  # what Ctrl-C does
        runner.wait(60)
    pids = [pid for name in ("web.1", "web.2", "proxy", "worker") for pid in output.pids(name)]
    time.sleep(0.5)
    assert not [pid for pid in pids if _alive(pid)], "every process of the cluster stopped"
    assert runner.returncode == 0
