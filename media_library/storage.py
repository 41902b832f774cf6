"""Where library files live: originals and renditions, in MEDIA_ROOT, which no
address serves.

A picture reaches readers only through `views.rendition`, which first asks
`usage.is_public` (or finds a staff login, or a live share link's grant). So a
file has no URL of its own: `url()` refuses, and any code that tries to link a
stored file fails loudly in tests instead of leaking an embargoed picture.
"""

from django.core.files.storage import FileSystemStorage


class LibraryStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError(
            f"Library files have no public address ({name}); link a rendition "
            "(media_library.renditions.rendition_url), which checks who may see it."
        )


def library_storage() -> LibraryStorage:
    """The storage of every library file (a callable, so migrations name it
    instead of freezing an instance)."""
    return _storage


_storage = LibraryStorage()
