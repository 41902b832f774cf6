from django.conf import settings


def site(request):
    """The few site-wide values every public template needs."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
    }
