"""Slow work on a task queue (issue 17): renditions, e-mails, purges,
related-list and search upkeep leave the editor's request.

Written against Django's Tasks API (`django.tasks` from Django 6.0) through
its backport, django-tasks, so moving to Django 6 is an import rename. The
backend is a setting (`TASKS_BACKEND`): the embedded default runs each task
at once in the process that enqueued it, with nothing else to start (the
development server's, `InProcessBackend`, on a thread of that process);
production stores tasks in PostgreSQL (django-tasks-db) for workers running
`manage.py db_worker`, and failed attempts stay in the admin ("Task
results") with their traceback.

The Tasks API has no retries of its own. `background` adds them: an attempt
that raises is recorded as failed, as it is, and a new attempt is enqueued
after a growing pause, up to `retries` more times (on the embedded backend,
which cannot wait, at once and in place, so the result is the last
attempt's). A task is stored with
the change that caused it (`later`): a task that fails never takes the
change with it, and a change rolled back sends nothing.
"""

import atexit
import datetime as dt
import functools
import logging
import queue
import threading

from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

ATTEMPT = "_attempt"


def background(retries: int = 3, backoff: int = 30, *, priority: int = 0):
    """Make `fn` a task retried up to `retries` times after a failure, the
    n-th retry `backoff` * 2**(n-1) seconds later (at once where the backend
    cannot wait: the embedded one). Arguments must be JSON: ids, not
    model instances."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT, 1)
            while True:
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    if attempt > retries:
                        logger.exception(
                            "Task %s failed for good after %s attempts",
                            fn.__qualname__,
                            attempt,
                        )
                        raise
                    logger.warning(
                        "Task %s failed (attempt %s); trying again",
                        fn.__qualname__,
                        attempt,
                        exc_info=True,
                    )
                    attempt += 1
                    if not default_task_backend.supports_defer:
                        continue  # the embedded backend: again, here and now
                    pause = dt.timedelta(seconds=backoff * 2 ** (attempt - 2))
                    this.using(run_after=timezone.now() + pause).enqueue(
                        *args, **{**kwargs, ATTEMPT: attempt}
                    )
                    raise

        this = task(priority=priority)(run)
        return this

    return decorate


def later(this, *args, **kwargs) -> None:
    """Enqueue task `this` with the change being made: on the database queue
    at once, in the same transaction, so the task is stored if and only if
    the change commits (a crash between the two loses neither); on a queue
    outside the database (the embedded one runs the task on the spot), once
    the transaction commits."""
    if isinstance(this.get_backend(), DatabaseBackend):
        this.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: this.enqueue(*args, **kwargs))


class InProcessBackend(ImmediateBackend):
    """The embedded queue for the development server (`make run` sets
    TASKS_BACKEND=thread for it): each task runs in this process, as the
    immediate backend's do, but on one background thread, in the order
    queued, so an upload answers before its picture's sizes are made (they
    took seconds each in the request) and a publish before its e-mails go.
    Nothing else to start; a process that exits first runs what is left
    (`drain`, at exit), so no task queued is lost."""

    def __init__(self, alias: str, params: dict):
        super().__init__(alias, params)
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _execute_task(self, task_result) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="newsroom-tasks", daemon=True
                )
                self._thread.start()
                atexit.register(self.drain)
        self._queue.put(task_result)

    def _work(self) -> None:
        while True:
            task_result = self._queue.get()
            try:
                super()._execute_task(task_result)
            except Exception:  # recorded on the result; the thread goes on
                logger.exception("Task %s failed", task_result.task.name)
            finally:
                close_old_connections()
                self._queue.task_done()

    def drain(self) -> None:
        """Wait until every task queued so far has run."""
        self._queue.join()
