"""How tests/lighthouse/run.py counts runs: a page measured below the
performance minimum is measured again and its best run counts; a run
Lighthouse could not record is run again without counting, a few times at
most. No browser: the measurement is replaced by a list of outcomes."""

from pathlib import Path

import pytest

from tests.lighthouse import run as lighthouse


def outcomes(*results):
    """A stand-in for lighthouse.lighthouse() giving `results` in turn: a
    performance score, or an exception to raise."""
    pending = list(results)

    def measure(url, skip, out):
        result = pending.pop(0)
        if isinstance(result, Exception):
            raise result
        return {"scores": {"performance": result}, "failing_audits": [], "requests": []}

    measure.pending = pending
    return measure


def no_navstart():
    return lighthouse.LighthouseRuntimeError(
        "Runtime error encountered: Something went wrong with recording the "
        "trace over your page load. Please run Lighthouse again. (NO_NAVSTART)"
    )


def test_a_run_lighthouse_could_not_record_is_run_again():
    measure = outcomes(no_navstart(), 98)

    result = lighthouse.best_of("http://x/", [], Path("r.json"), measure)

    assert result["scores"]["performance"] == 98
    assert result["runs"] == 1
    assert len(result["runtime_errors"]) == 1
    assert measure.pending == []


def test_a_slow_run_is_measured_again_and_the_best_counts():
    measure = outcomes(80, 90, 85)

    result = lighthouse.best_of("http://x/", [], Path("r.json"), measure)

    assert result["scores"]["performance"] == 90
    assert result["runs"] == lighthouse.RUNS


def test_a_fast_run_ends_the_measuring():
    measure = outcomes(96, 99)

    result = lighthouse.best_of("http://x/", [], Path("r.json"), measure)

    assert result["runs"] == 1
    assert measure.pending == [99]


def test_lighthouse_failing_to_record_every_time_fails_the_page():
    measure = outcomes(*[no_navstart() for _ in range(lighthouse.RUNTIME_RETRIES + 1)])

    with pytest.raises(lighthouse.LighthouseRuntimeError, match="could not record"):
        lighthouse.best_of("http://x/", [], Path("r.json"), measure)
