"""Where library files live: originals and renditions, in MEDIA_ROOT (the
embedded default) or, with STORAGE_URL set, in an S3-compatible bucket
(settings.STORAGES["library"]). Neither is served by any address.

A picture reaches readers only through `views.rendition`, which first asks
`usage.is_public` (or finds a staff login, or a live share link's grant). So a
file has no URL of its own: `url()` refuses, and any code that tries to link a
stored file fails loudly in tests instead of leaking an embargoed picture. In
a bucket every object is stored with the ACL "private": an anonymous request
for it is refused by the bucket itself, and no signed URL is ever made.
"""

from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE_ALIAS = "library"


def _no_address(name):
    raise ValueError(
        f"Library files have no public address ({name}); link a rendition "
        "(media_library.renditions.rendition_url), which checks who may see it."
    )


class LibraryStorage(FileSystemStorage):
    def url(self, name):
        _no_address(name)


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # django-storages is installed with the project
    S3Storage = None

if S3Storage is not None:

    class LibraryS3Storage(S3Storage):
        """A private bucket (or prefix): objects are written with the ACL
        "private" and never overwritten (a name taken gets a suffix)."""

        default_acl = "private"
        file_overwrite = False
        querystring_auth = True

        def url(self, name, *args, **kwargs):
            _no_address(name)


class LibraryFiles(Storage):
    """What the library's file fields hold: each call goes to the storage
    configured now (STORAGES["library"]), so a settings change (a test's
    bucket, say) reaches fields built at import."""

    @property
    def backend(self) -> Storage:
        return storages[STORAGE_ALIAS]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def path(self, name):
        return self.backend.path(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def url(self, name):
        _no_address(name)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)


def library_storage() -> Storage:
    """The storage of every library file (a callable, so migrations name it
    instead of freezing an instance)."""
    return _storage


_storage = LibraryFiles()
