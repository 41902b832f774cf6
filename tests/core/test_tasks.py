"""The task queue (issue 17, core/tasks.py): retries, enqueueing only after
the change commits, and failed tasks listed in the admin, on the embedded
backend and on the database one the production workers use."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from core.tasks import background, later
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CALLS: list = []


@background(retries=2, backoff=10)
def record(value, *, fail_times=0):
    """Fails `fail_times` times, then records `value`."""
    CALLS.append(value)
    if CALLS.count(value) <= fail_times:
        raise RuntimeError(f"failing on purpose ({value})")
    return value


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def database_queue(settings):
    """The production backend (django-tasks resets its backends when TASKS
    changes, and again when the test puts it back)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert task_backends["default"].supports_defer


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_task_that_fails_is_tried_again_until_it_succeeds():
    record.enqueue("crane", fail_times=2)

    assert CALLS == ["crane", "crane", "crane"]


def test_a_task_gives_up_after_its_retries():
    record.enqueue("plume", fail_times=10)

    assert CALLS == ["plume"] * 3  # the first attempt and two retries


def test_a_task_is_enqueued_only_once_the_change_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            later(record, "published")
            assert CALLS == []

    assert CALLS == ["published"]


def test_a_change_rolled_back_enqueues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                later(record, "never")
                raise ValueError("the save was refused")
        except ValueError:
            pass

    assert callbacks == []
    assert CALLS == []


# The worker closes its database connection between tasks, as it should: those
# tests run outside the test's wrapping transaction.
worker_test = pytest.mark.django_db(transaction=True)


@worker_test
def test_the_database_queue_runs_tasks_in_a_worker(database_queue):
    record.enqueue("queued")
    assert CALLS == []
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()

    assert CALLS == ["queued"]
    assert DBTaskResult.objects.successful().count() == 1


@worker_test
def test_a_failed_attempt_stays_visible_and_its_retry_waits(database_queue, now):
    record.enqueue("pad", fail_times=1)

    run_worker()

    assert CALLS == ["pad"]
    failed = DBTaskResult.objects.failed().get()
    assert "failing on purpose (pad)" in failed.traceback
    retry = DBTaskResult.objects.exclude(pk=failed.pk).get()
    assert retry.run_after == now + dt.timedelta(seconds=10)
    assert retry.args_kwargs["kwargs"] == {"fail_times": 1, "_attempt": 2}


@worker_test
def test_editors_of_the_site_see_failed_tasks_and_writers_do_not(
    client, database_queue
):
    record.enqueue("hold", fail_times=5)
    run_worker()
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    admin = UserFactory(is_staff=True, is_superuser=True)
    writer = UserFactory(is_staff=True)

    client.force_login(writer)
    refused = client.get(url + "?status=FAILED")
    client.force_login(admin)
    listed = client.get(url + "?status=FAILED")

    assert refused.status_code == 403
    assert listed.status_code == 200
    assert "record" in listed.content.decode()


@worker_test
def test_on_the_database_queue_a_task_is_stored_with_the_change(database_queue):
    with transaction.atomic():
        later(record, "kept")
        assert DBTaskResult.objects.count() == 1  # in the same transaction
    try:
        with transaction.atomic():
            later(record, "rolled back")
            raise ValueError("the save was refused")
    except ValueError:
        pass

    run_worker()

    assert CALLS == ["kept"]


# --- The development server's queue: in process, on a thread ----------------

GATE = threading.Event()


@background(retries=1, backoff=10)
def wait_at_the_gate(value):
    """Records `value` once the test opens the gate."""
    assert GATE.wait(timeout=60), "the test never opened the gate"
    CALLS.append(value)
    return value


@pytest.fixture
def thread_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "core.tasks.InProcessBackend"}}
    GATE.clear()
    yield task_backends["default"]
    GATE.set()
    task_backends["default"].drain()


def test_the_thread_queue_answers_before_the_task_runs(thread_queue):
    result = wait_at_the_gate.enqueue("upload")

    assert CALLS == []  # the request goes on; the task waits its turn
    assert result.status == "READY"
    GATE.set()
    thread_queue.drain()
    assert CALLS == ["upload"]


def test_the_thread_queue_runs_tasks_in_order_and_retries_a_failure(thread_queue):
    GATE.set()
    record.enqueue("first", fail_times=1)
    wait_at_the_gate.enqueue("second")
    thread_queue.drain()

    assert CALLS == ["first", "first", "second"]


def test_a_process_that_exits_runs_what_it_queued_first(tmp_path):
    """`manage.py` commands exit when done: their queued tasks still run."""
    import os
    import subprocess
    import sys

    marker = tmp_path / "ran"
    env = {
        **os.environ,
        "TASKS_BACKEND": "thread",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    script = (
        "import django\n"
        "django.setup()\n"
        "from tests.core.tasks_for_exit import slow_write\n"
        f"slow_write.enqueue({str(marker)!r})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=str(Path(__file__).resolve().parents[2]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert marker.read_text() == "yes"
