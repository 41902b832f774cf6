"""A writer and an editor for the space desk's admin tests."""

import pytest

from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, WRITERS


@pytest.fixture
def writer(db):
    return user_in(WRITERS, username="wanda")


@pytest.fixture
def editor(db):
    return user_in(EDITORS, username="edie")
