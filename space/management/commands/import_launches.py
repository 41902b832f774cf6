import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from space.launches import MAX_PAGES, LL2Error, import_ll2

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Import upcoming launches from Launch Library 2 (its /2.2.0/launch/upcoming/ "
        "list) at SOURCE, a URL or a file: new launches are created, known ones "
        "(matched by their LL2 id) get LL2's time, window and status, and every "
        "move of a launch's time is kept. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="?",
            metavar="SOURCE",
            help="An http(s) URL or a file path; by default the LAUNCH_LIBRARY_URL "
            'setting. A file\'s "next" page is not followed.',
        )
        parser.add_argument(
            "--pages",
            type=int,
            default=MAX_PAGES,
            metavar="N",
            help=f"Read at most N pages of the list (default {MAX_PAGES}).",
        )
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, importing every SECONDS until stopped (Ctrl+C or "
            "SIGTERM); by default it imports once and exits.",
        )

    def handle(self, *args, source=None, pages=MAX_PAGES, every=None, **options):
        source = source or settings.LAUNCH_LIBRARY_URL
        if pages < 1:
            raise CommandError("--pages needs a number of pages, 1 or more.")
        if not source:
            if every is not None:
                # docker-compose.yml's launches service with the import off:
                # exit quietly (the service restarts only on failure).
                self.stdout.write(
                    "LAUNCH_LIBRARY_URL is not set: launches are entered by hand."
                )
                return
            raise CommandError("Give a SOURCE, or set LAUNCH_LIBRARY_URL.")
        if every is None:
            self.run_import(source, pages)
            return
        if every < 1:
            raise CommandError(
                "--every needs a number of seconds, 1 or more.", returncode=2
            )
        try:
            while True:
                # A connection that broke since the last round is replaced.
                close_old_connections()
                try:
                    self.run_import(source, pages)
                except Exception:  # the network or the database: next round
                    log.exception("Could not import launches; trying again")
                time.sleep(every)
        except KeyboardInterrupt:  # Ctrl+C, when run by hand
            return

    def run_import(self, source: str, pages: int) -> None:
        try:
            report = import_ll2(source, max_pages=pages)
        except LL2Error as error:
            raise CommandError(str(error)) from error
        for launch in report.created:
            self.stdout.write(f"Added launch “{launch}”")
        for launch, fields in report.updated:
            self.stdout.write(f"Updated launch “{launch}”: {', '.join(fields)}")
        self.stdout.write(
            f"{len(report.created)} added, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged ({report.pages} page(s) read)."
        )
