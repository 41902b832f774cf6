import time

from django.core.management.base import BaseCommand

from articles import related
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Work out again the related stories kept on every story (editors' "
        "picks, and the stories sharing most tags among the newest "
        f"{related.WINDOW}). Stories keep theirs up to date as they change; "
        "run this after bulk imports, or now and then so that older stories "
        "pick up newer neighbours."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        changed = related.refresh(ids)
        self.stdout.write(
            f"Related stories worked out for {len(ids)} stories "
            f"({changed} changed) in {time.perf_counter() - started:.1f} s."
        )
