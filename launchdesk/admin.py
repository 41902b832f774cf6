"""The launch's "Story bundle": an inline on the Launch change page, added by
registering a subclass of space's LaunchAdmin in its place (as space adds its
rows to the story form). Only those who may schedule stories may bundle them,
checked on the server for every row posted."""

import datetime as dt
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from core.admin import BoundedInlineMixin
from space.admin import StoryLinkFormSet
from space.models import Launch
from workflow import wording

from . import bundles
from .models import BundleItem, MoveProposal

# "-24:00", "+1:30", "24 before", "1:30 after", "2 hours before launch", "0".
OFFSET_RE = re.compile(
    r"^(?P<sign>[-+\u2212])?\s*(?P<hours>\d{1,4})(?::(?P<minutes>\d{2}))?"
    r"\s*(?:h|hrs?|hours?)?\s*(?P<side>before|after)?(?:\s+(?:the\s+)?launch)?$",
    re.IGNORECASE,
)
MAX_OFFSET_HOURS = 1000


class OffsetField(forms.Field):
    """A bundled story's offset as editors say it, hours and minutes before or
    after the launch ("-24:00", "24:00 before", "+1:30"), instead of Django's
    raw duration ("-1 day, 0:00:00"). A nonzero offset must say its side: a
    bare "24:00" could be either, and a preview put after the launch would go
    out a day late. Blank is None (an outcome version)."""

    widget = forms.TextInput(attrs={"size": 14, "placeholder": "-24:00"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Offset from the launch")
        kwargs.setdefault("help_text", wording.OFFSET_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.timedelta):
            minutes = round(abs(value.total_seconds()) / 60)
            sign = "-" if value < dt.timedelta(0) else "+" if minutes else ""
            return f"{sign}{minutes // 60}:{minutes % 60:02d}"
        return value  # as typed, shown again with its error

    def to_python(self, value):
        typed = " ".join(str(value or "").split())
        if not typed:
            return None
        found = OFFSET_RE.match(typed)
        if found is None:
            raise forms.ValidationError(wording.OFFSET_UNREADABLE, code="invalid")
        hours, minutes = int(found["hours"]), int(found["minutes"] or 0)
        if minutes > 59:
            raise forms.ValidationError(wording.OFFSET_MINUTES, code="invalid")
        delta = dt.timedelta(hours=hours, minutes=minutes)
        if delta > dt.timedelta(hours=MAX_OFFSET_HOURS):
            raise forms.ValidationError(
                wording.OFFSET_TOO_FAR.format(hours=MAX_OFFSET_HOURS), code="max"
            )
        sign, side = found["sign"], (found["side"] or "").lower()
        before = {"-": True, "\u2212": True, "+": False}.get(sign)
        if side and before is not None and before != (side == "before"):
            raise forms.ValidationError(
                wording.OFFSET_BOTH_SIDES.format(typed=typed), code="invalid"
            )
        if side:
            before = side == "before"
        if before is None and delta:
            bare = f"{hours}:{minutes:02d}"
            raise forms.ValidationError(
                wording.OFFSET_NO_SIDE.format(typed=bare), code="no_side"
            )
        return -delta if before else delta


class BundleItemForm(forms.ModelForm):
    offset = OffsetField()

    class Meta:
        model = BundleItem
        fields = ["article", "offset", "outcome"]


class BundleItemInline(BoundedInlineMixin, admin.TabularInline):
    model = BundleItem
    form = BundleItemForm
    # A launch form posted without the bundle's rows (a page or a script from
    # before the launch desk) leaves the bundle as it is.
    formset = StoryLinkFormSet
    extra = 0
    fields = ["article", "offset", "outcome", "added_by", "created_at"]
    readonly_fields = ["added_by", "created_at"]
    autocomplete_fields = ["article"]
    verbose_name = "bundled story"
    verbose_name_plural = "Story bundle"

    def has_view_permission(self, request, obj=None):
        return bundles.may_bundle(request.user) or super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return bundles.may_bundle(request.user)

    def has_change_permission(self, request, obj=None):
        return bundles.may_bundle(request.user)

    def has_delete_permission(self, request, obj=None):
        return bundles.may_bundle(request.user)


# The Launch admin registered now (space's, or another app's subclass of it),
# so whatever it added (the import view) is kept.
RegisteredLaunchAdmin = admin.site._registry[Launch].__class__


class LaunchDeskLaunchAdmin(RegisteredLaunchAdmin):
    inlines = [*RegisteredLaunchAdmin.inlines, BundleItemInline]
    actions = [*(RegisteredLaunchAdmin.actions or []), "schedule_bundle"]

    def has_schedule_bundle_permission(self, request):
        return bundles.may_bundle(request.user)

    @admin.action(
        description="Schedule the bundle (each approved story at the launch "
        "time plus its offset)",
        permissions=["schedule_bundle"],
    )
    def schedule_bundle(self, request, queryset):
        if not bundles.may_bundle(request.user):  # the action is hidden too
            raise PermissionDenied
        for launch in queryset.order_by("net", "pk"):
            report = bundles.schedule_bundle(launch, by=request.user)
            if not (report.done or report.warnings):
                messages.info(request, wording.nothing_to_schedule(launch))
                continue
            level = messages.WARNING if report.warnings else messages.SUCCESS
            messages.add_message(
                request,
                level,
                wording.bundle_result(launch, report.done, report.warnings),
            )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.accept_move_view))
        return [
            path(
                "move-proposals/<int:pk>/accept/",
                view,
                name="launchdesk_accept_move",
            ),
            *super().get_urls(),
        ]

    def accept_move_view(self, request, pk):
        """The desk's one-click "Move the bundle" (POST, CSRF-checked by
        admin_view): refused for anyone who may not schedule stories, and for
        a proposal already decided or overtaken by a newer move."""
        if not bundles.may_bundle(request.user):
            raise PermissionDenied
        proposal = get_object_or_404(MoveProposal, pk=pk)
        try:
            report = bundles.accept_proposal(proposal, by=request.user)
        except bundles.ProposalRefused as e:
            messages.error(request, " ".join(e.messages))
            return redirect("admin:index")
        level = messages.WARNING if report.warnings else messages.SUCCESS
        messages.add_message(
            request,
            level,
            wording.bundle_result(
                proposal.launch,
                report.done,
                report.warnings,
                lead=wording.bundle_moved(proposal.launch),
                refused="Not moved",
            ),
        )
        return redirect("admin:index")

    def save_formset(self, request, form, formset, change):
        if formset.model is not BundleItem:
            return super().save_formset(request, form, formset, change)
        bundles.check_may_bundle(request.user)
        for item in formset.save(commit=False):
            if item.added_by_id is None:
                item.added_by = request.user
            item.save()
        for item in formset.deleted_objects:
            item.delete()


admin.site.unregister(Launch)
admin.site.register(Launch, LaunchDeskLaunchAdmin)
