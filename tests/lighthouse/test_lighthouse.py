"""Lighthouse's scores on the readers' pages, measured (issue 15): front page,
story, author, section, gallery and search, served by gunicorn with
production settings and the demo loaded (tests/lighthouse/run.py, also
`make lighthouse`). Skips, saying why, where Lighthouse or Chromium is not
installed; `.ci/run` installs both."""

import pytest

from tests.lighthouse import run as lighthouse


def test_readers_pages_score_full_marks():
    if reason := lighthouse.missing():
        pytest.skip(reason)

    results = lighthouse.run()

    assert set(results) == {name for name, _, _ in lighthouse.PAGES}
    assert lighthouse.problems(results) == []
