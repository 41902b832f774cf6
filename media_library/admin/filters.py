"""List filters of the image library's admin: by orientation, and by when the
licence expires."""

import datetime

from django.contrib import admin
from django.db.models import F
from django.utils import timezone


class OrientationFilter(admin.SimpleListFilter):
    title = "orientation"
    parameter_name = "orientation"

    def lookups(self, request, model_admin):
        return [
            ("landscape", "Landscape (wider)"),
            ("portrait", "Portrait (taller)"),
            ("square", "Square"),
        ]

    def queryset(self, request, queryset):
        lookup = {
            "landscape": {"width__gt": F("height")},
            "portrait": {"width__lt": F("height")},
            "square": {"width": F("height")},
        }.get(self.value())
        return queryset.filter(**lookup) if lookup else queryset


class LicenceExpiryFilter(admin.SimpleListFilter):
    title = "licence expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("expired", "Expired"),
            ("soon", "Expires within 30 days"),
            ("dated", "Has an expiry date"),
            ("never", "Never expires"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "expired":
                return queryset.expired(today)
            case "soon":
                return queryset.filter(
                    licence_expires_on__gt=today,
                    licence_expires_on__lte=today + datetime.timedelta(days=30),
                )
            case "dated":
                return queryset.filter(licence_expires_on__isnull=False)
            case "never":
                return queryset.filter(licence_expires_on__isnull=True)
        return queryset
