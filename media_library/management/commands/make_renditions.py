from django.core.management.base import BaseCommand

from media_library.models import Image
from media_library.tasks import make_renditions_later


class Command(BaseCommand):
    help = (
        "Queue the renditions of every library picture (media_library.tasks), as "
        "an upload does now: for pictures uploaded before renditions were made "
        "ahead, so published ones are not made in a reader's request. Sizes that "
        "exist already are kept; running it again makes nothing new."
    )

    def handle(self, *args, **options):
        queued = 0
        pictures = Image.objects.exclude(file="").filter(width__isnull=False)
        for image in pictures.order_by("pk").only(
            "pk", "file", "focal_x", "focal_y", "width", "height"
        ):
            make_renditions_later(image)
            queued += 1
        self.stdout.write(f"Renditions queued for {queued} pictures.")
