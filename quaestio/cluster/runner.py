"""A Procfile-style process runner: starts named programs, prefixes their output with their
name, restarts one that exits, and stops them all on Ctrl-C (or SIGTERM).

Each program runs in its own process group, so stopping or restarting one also ends the
children it started (a web process's Granian workers) and none is left holding its port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

RESTART_DELAY_SECONDS = 1.0
MAX_RESTART_DELAY_SECONDS = 30.0
STABLE_AFTER_SECONDS = 10.0  # a program that ran this long restarts at once; quicker exits back off
STOP_GRACE_SECONDS = 10.0


@dataclass
class Program:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0
    restart_at: float | None = None
    delay: float = RESTART_DELAY_SECONDS


class Runner:
    def __init__(self, programs: list[Program], out=None) -> None:
        self.programs = programs
        self.out = out or sys.stdout
        self.width = max(len(p.name) for p in programs + [Program("cluster", [])])
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # --- output -------------------------------------------------------------------------------

    def say(self, name: str, line: str) -> None:
        with self._lock:
            self.out.write(f"{name:<{self.width}} | {line.rstrip()}\n")
            self.out.flush()

    def _relay(self, program: Program, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(program.name, raw.decode(errors="replace"))
        stream.close()

    # --- one program --------------------------------------------------------------------------

    def start(self, program: Program) -> None:
        program.process = subprocess.Popen(
            program.argv,
            env={**os.environ, **program.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: see the module's docstring
        )
        program.started = time.monotonic()
        program.restart_at = None
        threading.Thread(
            target=self._relay, args=(program, program.process.stdout), daemon=True
        ).start()
        self.say("cluster", f"{program.name} started: pid {program.process.pid}")

    @staticmethod
    def _signal_group(program: Program, number: int) -> None:
        if program.process is None:
            return
        try:
            os.killpg(program.process.pid, number)
        except (ProcessLookupError, PermissionError):
            pass

    def _check(self, program: Program, now: float) -> None:
        if program.restart_at is not None:
            if now >= program.restart_at:
                program.restarts += 1
                self.start(program)
            return
        code = program.process.poll() if program.process else None
        if code is None:
            return
        self._signal_group(program, signal.SIGKILL)  # children it left behind
        lived = now - program.started
        program.delay = (
            RESTART_DELAY_SECONDS
            if lived >= STABLE_AFTER_SECONDS
            else min(program.delay * 2, MAX_RESTART_DELAY_SECONDS)
        )
        program.restart_at = now + program.delay
        self.say(
            "cluster",
            f"{program.name} (pid {program.process.pid}) exited with code {code}; "
            f"restarting in {program.delay:.0f} s",
        )

    # --- all of them --------------------------------------------------------------------------

    def run(self) -> int:
        """Start every program and watch them until Ctrl-C or SIGTERM; then stop them all."""
        previous = {
            number: signal.signal(number, lambda *_: self._stopping.set())
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for program in self.programs:
                self.start(program)
            while not self._stopping.wait(0.2):
                now = time.monotonic()
                for program in self.programs:
                    self._check(program, now)
        finally:
            self.stop()
            for number, handler in previous.items():
                signal.signal(number, handler)
        return 0

    def stop(self) -> None:
        self.say("cluster", "stopping every process")
        for program in self.programs:
            self._signal_group(program, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for program in self.programs:
            if program.process is None:
                continue
            try:
                program.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("cluster", f"{program.name} did not stop in time: killed")
            self._signal_group(program, signal.SIGKILL)  # the group, whatever is left of it
        self.say("cluster", "stopped")
