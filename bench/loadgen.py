"""Load generators for a server on loopback: `wrk` when installed, else ours.

Ours is one asyncio process: N keep-alive HTTP/1.1 connections, each sending
its next GET as soon as the previous response is complete (a closed loop, like
wrk), cycling through a list of paths, for a fixed time after a warm-up whose
requests are not counted. Responses are framed by Content-Length or chunked
encoding; a `Connection: close` answer (gunicorn's sync worker) reconnects.

It shares the machine's cores with the server: each run reports the share of a
core it used (`client_cpu`), so a reader can tell when it, and not the server,
was the limit.
"""

import asyncio
import json
import re
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.I)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*[^\r]*chunked", re.I)
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.I)


@dataclass
class Measurement:
    requests: int = 0  # completed inside the measured window
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    errors: int = 0  # connection errors, timeouts and non-2xx answers
    statuses: dict[int, int] = field(default_factory=dict)
    client_cpu: float | None = None


class ResponseParser:
    """Incremental parser of HTTP/1.1 responses on one connection.

    `feed(data)` returns the responses it completed, each as (status, close).
    """

    def __init__(self):
        self.buffer = bytearray()
        self._head: tuple[int, bool] | None = None
        self._length: int | None = None  # body bytes still expected
        self._chunked = False

    def feed(self, data: bytes) -> list[tuple[int, bool]]:
        self.buffer += data
        done = []
        while True:
            if self._head is None and not self._read_head():
                return done
            if self._chunked:
                if not self._read_chunks():
                    return done
            elif len(self.buffer) >= self._length:
                del self.buffer[: self._length]
            else:
                return done
            done.append(self._head)
            self._head = None

    def _read_head(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self.buffer[: end + 2])
        del self.buffer[: end + 4]
        status = int(head[9:12])
        close = _CLOSE.search(head) is not None
        self._head = (status, close)
        self._chunked = _CHUNKED.search(head) is not None
        length = _LENGTH.search(head)
        if not self._chunked and length is None and status not in (204, 304):
            raise ValueError("response without a length: unsupported")
        self._length = int(length.group(1)) if length else 0
        return True

    def _read_chunks(self) -> bool:
        """Consume whole chunks; True once the last (empty) one is read."""
        while True:
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return False
            size = int(bytes(self.buffer[:line_end]).split(b";")[0], 16)
            if size == 0:
                trailer_end = self.buffer.find(b"\r\n\r\n", line_end)
                if trailer_end == line_end:  # no trailers
                    del self.buffer[: line_end + 4]
                    return True
                if trailer_end < 0:
                    return False
                del self.buffer[: trailer_end + 4]
                return True
            if len(self.buffer) < line_end + 2 + size + 2:
                return False
            del self.buffer[: line_end + 2 + size + 2]


class _Run:
    def __init__(self, host, port, paths, *, warmup, duration):
        self.host, self.port = host, port
        self.requests = [
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "User-Agent: newsroom-bench\r\n\r\n".encode()
            for path in paths
        ]
        self.next = 0
        self.measure_from = time.perf_counter() + warmup
        self.until = self.measure_from + duration
        self.result = Measurement(seconds=duration)
        self.live: set[_Connection] = set()
        self.tasks: set[asyncio.Task] = set()
        self.pending = 0  # connections open or being opened
        self.finished = asyncio.get_running_loop().create_future()

    def request(self) -> bytes:
        request = self.requests[self.next]
        self.next = (self.next + 1) % len(self.requests)
        return request

    def record(self, started: float, ended: float, status: int) -> None:
        if self.measure_from <= started and ended <= self.until:
            self.result.requests += 1
            self.result.latencies.append(ended - started)
            self.result.statuses[status] = self.result.statuses.get(status, 0) + 1
            if not 200 <= status < 300:
                self.result.errors += 1

    def error(self) -> None:
        if time.perf_counter() >= self.measure_from:
            self.result.errors += 1

    def spawn(self) -> None:
        """Open one more connection (counted at once, opened soon)."""
        self.pending += 1
        task = asyncio.ensure_future(self._open())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        while time.perf_counter() < self.until:
            try:
                await loop.create_connection(
                    lambda: _Connection(self), self.host, self.port
                )
                return
            except OSError:
                self.error()
                await asyncio.sleep(0.05)
        self.gone()

    def gone(self) -> None:
        self.pending -= 1
        if self.pending == 0 and not self.finished.done():
            self.finished.set_result(None)


class _Connection(asyncio.Protocol):
    def __init__(self, run: _Run):
        self.run = run
        self.parser = ResponseParser()
        self.started = 0.0
        self.transport = None
        self.reconnect = False

    def connection_made(self, transport):
        self.transport = transport
        self.run.live.add(self)
        self.send()

    def send(self):
        if time.perf_counter() >= self.run.until:
            self.transport.close()
            return
        self.started = time.perf_counter()
        self.transport.write(self.run.request())

    def data_received(self, data):
        try:
            responses = self.parser.feed(data)
        except ValueError:
            self.run.error()
            self.reconnect = True
            self.transport.close()
            return
        for status, close in responses:
            self.run.record(self.started, time.perf_counter(), status)
            if close:
                self.reconnect = True
                self.transport.close()
                return
        if responses:
            self.send()

    def connection_lost(self, exc):
        self.run.live.discard(self)
        if exc is not None:
            self.run.error()
            self.reconnect = True
        if self.reconnect and time.perf_counter() < self.run.until:
            self.run.spawn()
        self.run.gone()


async def _drive(host, port, paths, *, connections, warmup, duration, timeout):
    run = _Run(host, port, paths, warmup=warmup, duration=duration)
    for _ in range(connections):
        run.spawn()
    await asyncio.sleep(max(run.measure_from - time.perf_counter(), 0))
    cpu_from = time.process_time()
    try:
        await asyncio.wait_for(
            asyncio.shield(run.finished), run.until - time.perf_counter() + timeout
        )
    except TimeoutError:
        run.result.errors += len(run.live)  # requests still hanging
    run.result.client_cpu = (time.process_time() - cpu_from) / duration
    for connection in list(run.live):
        connection.transport.abort()
    for task in list(run.tasks):
        task.cancel()
    await asyncio.sleep(0)
    return run.result


def run_python(
    host: str,
    port: int,
    paths: list[str],
    *,
    connections: int = 8,
    warmup: float = 2.0,
    duration: float = 8.0,
    timeout: float = 10.0,
) -> Measurement:
    """Drive `paths` (cycled) with our own client; see the module docstring."""
    return asyncio.run(
        _drive(
            host,
            port,
            paths,
            connections=connections,
            warmup=warmup,
            duration=duration,
            timeout=timeout,
        )
    )


# --- wrk ----------------------------------------------------------------------

WRK_SCRIPT = """
local paths = %(paths)s
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "errors": %%d, ' ..
    '"non2xx": %%d}\\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status))
  -- The latency histogram: one line per distinct value (microseconds) and count.
  for n = 1, #latency do
    local value, count = latency(n)
    io.write(string.format("BENCH_LATENCY %%d %%d\\n", value, count))
  end
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _lua_list(paths: list[str]) -> str:
    return "{" + ", ".join(json.dumps(path) for path in paths) + "}"


def run_wrk(
    host: str,
    port: int,
    paths: list[str],
    *,
    connections: int = 8,
    warmup: float = 2.0,
    duration: float = 8.0,
    timeout: float = 10.0,
) -> Measurement:
    """Drive `paths` (cycled) with wrk (one thread): a warm-up run if asked,
    then the measured one. wrk counts whole seconds."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed")
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % {"paths": _lua_list(paths)})

        def wrk_run(seconds: float) -> str:
            command = [
                wrk,
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={max(1, round(timeout))}s",
                "-s",
                str(script),
                f"http://{host}:{port}",
            ]
            done = subprocess.run(  # noqa: S603 (our own argument list)
                command, capture_output=True, text=True, check=True
            )
            return done.stdout

        if warmup > 0:
            wrk_run(warmup)
        cpu_from = _children_cpu()
        out = wrk_run(duration)
        cpu = _children_cpu() - cpu_from
    return parse_wrk(out, cpu=cpu)


def parse_wrk(out: str, *, cpu: float | None = None) -> Measurement:
    """A Measurement from the output of WRK_SCRIPT's done()."""
    data, latencies = None, []
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
        elif line.startswith("BENCH_LATENCY "):
            _, value, count = line.split()
            latencies.extend([int(value) / 1e6] * int(count))
    if data is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    seconds = data["duration_us"] / 1e6
    return Measurement(
        requests=data["requests"],
        seconds=seconds,
        latencies=latencies,
        errors=data["errors"] + data["non2xx"],
        client_cpu=cpu / seconds if cpu is not None and seconds else None,
    )


def merge(parts: list[Measurement]) -> Measurement:
    """Several slices of one target as one measurement."""
    seconds = sum(p.seconds for p in parts)
    statuses: dict[int, int] = {}
    for part in parts:
        for status, count in part.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    cpus = [(p.client_cpu, p.seconds) for p in parts if p.client_cpu is not None]
    return Measurement(
        requests=sum(p.requests for p in parts),
        seconds=seconds,
        latencies=[x for p in parts for x in p.latencies],
        errors=sum(p.errors for p in parts),
        statuses=statuses,
        client_cpu=sum(c * s for c, s in cpus) / seconds if cpus and seconds else None,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
