import time

from django.core.management.base import BaseCommand

from newsroom.workflow.services import publish_due


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
            help="Keep running, checking every SECONDS (default: run once).",
        )

    def handle(self, *args, every=None, **options):
        if every is not None and every < 1:
            self.stderr.write("--every needs a number of seconds, 1 or more.")
            raise SystemExit(2)
        while True:
            report = publish_due()
            for item in report.published:
                self.stdout.write(f"Published {item._meta.verbose_name} “{item}”")
            for item in report.failed:
                self.stderr.write(
                    f"Could not publish {item._meta.verbose_name} “{item}” (see log)"
                )
            if every is None:
                return
            time.sleep(every)
