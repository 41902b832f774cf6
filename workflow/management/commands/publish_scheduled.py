import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from workflow.services import publish_due

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Record as published every scheduled item whose minute has come: audit "
        "row, e-mails, cache purges. Readers see such items at their minute "
        "anyway; safe to run on several machines at once, and from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS until stopped (Ctrl+C or "
            "SIGTERM); by default it checks once and exits.",
        )

    def handle(self, *args, every=None, **options):
        if every is None:
            self.publish()
            return
        if every < 1:
            raise CommandError(
                "--every needs a number of seconds, 1 or more.", returncode=2
            )
        try:
            while True:
                # Like a request: a connection that broke or grew old since the
                # last round is replaced, so one database restart is survived.
                close_old_connections()
                try:
                    self.publish()
                except Exception:  # a locked or restarting database: next round
                    log.exception("Could not publish scheduled items; trying again")
                time.sleep(every)
        except KeyboardInterrupt:  # Ctrl+C, when run by hand
            return

    def publish(self) -> None:
        report = publish_due()
        for item in report.published:
            self.stdout.write(f"Published {item._meta.verbose_name} “{item}”")
        for item in report.failed:
            self.stderr.write(
                f"Could not publish {item._meta.verbose_name} “{item}” (see log)"
            )
