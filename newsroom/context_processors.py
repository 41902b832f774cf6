from django.conf import settings
from django.utils.translation import to_locale


def site(request):
    """The few site-wide values every public template needs."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        # OpenGraph's form of the site's language: en_US for en-us.
        "OG_LOCALE": to_locale(settings.LANGUAGE_CODE),
    }
