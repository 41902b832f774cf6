from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from media_library import services
from media_library.models import Image


class Command(BaseCommand):
    help = (
        "Strip camera metadata (GPS position, camera details, XMP, IPTC, comments, "
        "a motion photo's video) from every stored original, as uploads are "
        "stripped now. Only files that carry some are rewritten; renditions are "
        "made again only where the pixels changed. Running it again changes "
        "nothing. A file that cannot be read is reported, and the rest go on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be stripped; write nothing.",
        )

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        counts, failed = Counter(), []
        would = "would be " if dry_run else ""
        for image in Image.objects.order_by("pk").only("pk", "title", "file"):
            label = f"#{image.pk} “{image.title}” ({image.file.name or 'no file'})"
            if not image.file:
                counts["no file"] += 1
                continue
            try:
                result = services.strip_stored_metadata(image, dry_run=dry_run)
            except Exception as error:  # a broken file must not stop the others
                failed.append(label)
                self.stderr.write(f"Cannot strip {label}: {error!r}")
                continue
            if not result.removed:
                counts["clean"] += 1
                if verbosity > 1:
                    self.stdout.write(f"Clean: {label}")
                continue
            counts["stripped"] += 1
            counts["retired"] += result.pixels_changed
            if verbosity:
                renditions = (
                    f"renditions {would}made again"
                    if result.pixels_changed
                    else "renditions kept"
                )
                self.stdout.write(
                    f"{label}: {', '.join(sorted(result.removed))} {would}removed; "
                    f"{renditions}."
                )

        summary = (
            f"{counts['stripped']} {would}stripped "
            f"({counts['retired']} with new renditions), "
            f"{counts['clean']} already clean, {counts['no file']} without a file, "
            f"{len(failed)} unreadable."
        )
        if failed:
            raise CommandError(f"{summary} Unreadable: {'; '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(summary))
