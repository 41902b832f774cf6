"""The benchmark's load: wrk (Debian: `apt-get install -y wrk`), driven with a
Lua script that cycles through a list of paths and prints its counts and its
latency histogram, parsed here into a Measurement.

wrk is all the benchmark needs: every measurement is N keep-alive connections
sending GETs in a closed loop for a time, through a list of addresses (one, a
thousand stories, or the mixed load's 20,000 reads), and counting requests,
errors and latencies. What else the mixed load measures is not the client's:
the page cache's hits are counted by the server (bench/counting.py), and the
editor's changes come from their own process (bench/mixed.py). wrk counts whole
seconds, so durations are rounded to them.
"""

import json
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

INSTALL = "wrk is not installed (Debian: apt-get install -y wrk)"

# Each wrk thread runs this in its own Lua state: the paths are read from a file
# (the mixed load cycles through 20,000), and requested in turn by all the
# thread's connections.
SCRIPT = """
local paths = {}
for line in io.lines([==[%(paths)s]==]) do paths[#paths + 1] = line end
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


@dataclass
class Measurement:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)  # seconds
    errors: int = 0  # connection errors, timeouts and answers of 400 and over
    client_cpu: float | None = None  # cores wrk used


def installed() -> bool:
    return shutil.which("wrk") is not None


def run(
    host: str,
    port: int,
    paths: list[str],
    *,
    connections: int = 8,
    warmup: float = 2.0,
    duration: float = 8.0,
    timeout: float = 10.0,
) -> Measurement:
    """Drive `paths` (cycled) with wrk, one thread: a warm-up run if asked,
    then the measured one."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError(INSTALL)
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        listed = Path(folder) / "paths.txt"
        listed.write_text("".join(f"{path}\n" for path in paths))
        script = Path(folder) / "paths.lua"
        script.write_text(SCRIPT % {"paths": listed})

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
    return parse(out, cpu=cpu)


def parse(out: str, *, cpu: float | None = None) -> Measurement:
    """A Measurement from what SCRIPT's done() printed."""
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
    cpus = [(p.client_cpu, p.seconds) for p in parts if p.client_cpu is not None]
    return Measurement(
        requests=sum(p.requests for p in parts),
        seconds=seconds,
        latencies=[x for p in parts for x in p.latencies],
        errors=sum(p.errors for p in parts),
        client_cpu=sum(c * s for c, s in cpus) / seconds if cpus and seconds else None,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
