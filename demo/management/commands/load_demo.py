from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo newsroom: sections, authors, stories, generated pictures "
        "and two staff logins. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off, for a demo or staging server. The demo "
            "logins have published passwords: never use this on a public site.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off. The demo creates staff logins whose passwords are "
                "published, so it only loads on a development site. Pass --force "
                "to load it anyway on a private demo or staging server."
            )
        summary = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsroom ready: {summary.sections} sections, "
                f"{summary.authors} authors, {summary.published} published stories "
                f"and {summary.drafts} draft, {summary.images} images "
                f"({summary.images_stored} new files)."
            )
        )
        self.stdout.write(
            f"Demo logins for {reverse('admin:index')} (staff, not superusers):"
        )
        for login in summary.logins:
            self.stdout.write(f"  {login.username} / {login.password}  ({login.group})")
