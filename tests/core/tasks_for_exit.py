"""A task for tests/core/test_tasks.py's process that exits right after
queueing it (a task must live in a module its worker can import)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def slow_write(path: str) -> None:
    time.sleep(1)  # still running when the process reaches its end
    Path(path).write_text("yes")
