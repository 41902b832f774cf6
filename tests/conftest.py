import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploads go to a throwaway folder; static URLs need no collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Rolled-back test data never purges cached pages: start each test empty.
    cache.clear()
    # The real hasher costs seconds per login in a suite that logs in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def media_files(settings):
    """Every file under MEDIA_ROOT, relative to it."""

    def files():
        root = settings.MEDIA_ROOT
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return files
