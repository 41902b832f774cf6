"""Figures, ratios and the issue's targets: pure functions, no Django, no I/O.

Absolute figures on a shared 2-core machine are noise, so the issue states its
targets as ratios to the throughput of a static file served by the same server
in the same run, plus one latency (search p95).
"""

import math
from dataclasses import dataclass, field

STATIC = "static"


@dataclass
class Result:
    """One target's run. Latencies in seconds."""

    name: str
    path: str
    phase: str  # which server ran it: "cached" or "uncached"
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    errors: int = 0  # connection errors, timeouts, non-2xx responses
    client_cpu: float | None = None  # cores the load generator used
    server_cpu: float | None = None  # cores gunicorn (master and workers) used
    queries: int | None = None  # SQL queries for one uncached render
    skipped: str = ""  # why it did not run
    # Throughput of the static file in slices interleaved with this target's,
    # on the same server: what its ratio is taken against.
    static_rps: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float | None:
        """Latency at percentile `p` (nearest rank), in milliseconds."""
        return percentile(self.latencies, p)


def percentile(latencies: list[float], p: float) -> float | None:
    """Nearest-rank percentile of `latencies` (seconds), in milliseconds."""
    if not latencies:
        return None
    ordered = sorted(latencies)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1] * 1000


def ratio(result: Result, static: Result | None = None) -> float | None:
    """Throughput as a share of the static file's on the same server: measured
    in interleaved slices when there were (`static_rps`), else `static`'s."""
    base = result.static_rps or (static.rps if static is not None else None)
    if result.skipped or not base:
        return None
    return result.rps / base


def static_for(result: Result, results: list[Result]) -> Result | None:
    """The static-file run of the same server (phase) as `result`."""
    for other in results:
        if other.name == STATIC and other.phase == result.phase and not other.skipped:
            return other
    return None


@dataclass(frozen=True)
class Target:
    name: str  # the result it judges
    # "ratio" (to the static file), "p95" (ms), or, for figures that are not a
    # throughput (bench/varnish.py's), "share" (at least) and "count" (at most)
    measure: str
    limit: float
    text: str

    def value(self, result: Result, results: list[Result]) -> float | None:
        if self.measure == "ratio":
            return ratio(result, static_for(result, results))
        return result.percentile(95)

    def passes(self, value: float) -> bool:
        if self.measure in ("ratio", "share"):
            return value >= self.limit
        if self.measure == "count":
            return value <= self.limit
        return value < self.limit


TARGETS = [
    Target("story_cached", "ratio", 0.50, "cached story >= 50% of static"),
    Target("story_uncached", "ratio", 0.07, "uncached story >= 7% of static"),
    Target("search", "p95", 100.0, "search p95 < 100 ms"),
]

# Issue 17's, through Varnish (bench/varnish.py).
VARNISH_TARGETS = [
    Target("story_varnish", "ratio", 0.90, "story >= 90% of static, via Varnish"),
]
READERS_ANSWERED = Target("mixed", "share", 0.95, "readers answered by Varnish >= 95%")
RENDERS_IN_READS = Target("renders", "count", 0, "pictures made for readers = 0")


@dataclass
class Check:
    target: Target
    value: float | None
    verdict: str  # PASS, FAIL or SKIP
    note: str = ""


def check_targets(
    results: list[Result], *, stories: int, vendor: str, targets=TARGETS
) -> list[Check]:
    by_name = {r.name: r for r in results}
    checks = []
    for target in targets:
        result = by_name.get(target.name)
        value = None
        if result is not None and not result.skipped and result.requests:
            value = target.value(result, results)
        if value is None:
            checks.append(Check(target, None, "SKIP", "not measured"))
            continue
        note = ""
        if result.errors:
            note = f"{result.errors} errors during the run"
        if target.name == "search" and (stories < 100_000 or vendor != "postgresql"):
            note = (
                f"indicative: {stories:,} stories on {vendor}; the issue's check "
                "is at 100,000 on PostgreSQL (--stories 100000)"
            )
        verdict = "PASS" if target.passes(value) and not result.errors else "FAIL"
        checks.append(Check(target, value, verdict, note))
    return checks


def check_value(target: Target, value: float | None, note: str = "") -> Check:
    """The verdict on a figure that is not a Result's (a share, a count)."""
    if value is None:
        return Check(target, None, "SKIP", note or "not measured")
    return Check(target, value, "PASS" if target.passes(value) else "FAIL", note)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _cores(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_table(results: list[Result]) -> str:
    header = (
        f"{'target':<16} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'÷static':>8} {'queries':>7} {'errors':>6} "
        f"{'cpu srv':>7} {'cpu cli':>7}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        if r.skipped:
            lines.append(f"{r.name:<16} {r.phase:<9} skipped: {r.skipped}")
            continue
        share = ratio(r, static_for(r, results))
        lines.append(
            f"{r.name:<16} {r.phase:<9} {r.rps:>8.0f} {_ms(r.percentile(50)):>8} "
            f"{_ms(r.percentile(95)):>8} {_ms(r.percentile(99)):>8} "
            f"{'-' if share is None else f'{share:.1%}':>8} "
            f"{'-' if r.queries is None else r.queries:>7} {r.errors:>6} "
            f"{_cores(r.server_cpu):>7} {_cores(r.client_cpu):>7}"
        )
    return "\n".join(lines)


def format_checks(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        target = check.target
        if check.value is None:
            shown = "-"
        elif target.measure in ("ratio", "share"):
            shown = f"{check.value:.1%}"
        elif target.measure == "count":
            shown = f"{check.value:g}"
        else:
            shown = f"{check.value:.1f} ms"
        note = f"  ({check.note})" if check.note else ""
        lines.append(f"{check.verdict:<4}  {target.text:<32} measured {shown}{note}")
    return "\n".join(lines)


def checks_as_dicts(checks: list[Check]) -> list[dict]:
    """The verdicts as the JSON reports write them."""
    return [
        {
            "target": check.target.text,
            "value": check.value,
            "verdict": check.verdict,
            "note": check.note,
        }
        for check in checks
    ]


def exit_code(checks: list[Check], *, strict: bool) -> int:
    """1 when `strict` and a target failed, else 0."""
    return 1 if strict and any(c.verdict == "FAIL" for c in checks) else 0


def as_dict(result: Result, results: list[Result]) -> dict:
    """One result as plain data, for --json."""
    return {
        "target": result.name,
        "server": result.phase,
        "path": result.path,
        "skipped": result.skipped,
        "requests": result.requests,
        "rps": round(result.rps, 1),
        "p50_ms": result.percentile(50),
        "p95_ms": result.percentile(95),
        "p99_ms": result.percentile(99),
        "ratio_to_static": ratio(result, static_for(result, results)),
        "queries": result.queries,
        "errors": result.errors,
        "server_cpu": result.server_cpu,
        "client_cpu": result.client_cpu,
    }
