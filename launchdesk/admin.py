"""The launch's "Story bundle": an inline on the Launch change page, added by
registering a subclass of space's LaunchAdmin in its place (as space adds its
rows to the story form). Only those who may schedule stories may bundle them,
checked on the server for every row posted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from core.admin import BoundedInlineMixin
from space.admin import StoryLinkFormSet
from space.models import Launch

from . import bundles
from .models import BundleItem, MoveProposal


class BundleItemInline(BoundedInlineMixin, admin.TabularInline):
    model = BundleItem
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
                messages.info(
                    request, f"{launch}: no approved story of its bundle to schedule."
                )
                continue
            level = messages.WARNING if report.warnings else messages.SUCCESS
            lines = report.done + [f"Not scheduled: {w}" for w in report.warnings]
            messages.add_message(request, level, f"{launch}: " + " ".join(lines))

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
        lines = report.done + [f"Not moved: {w}" for w in report.warnings]
        messages.add_message(
            request,
            level,
            f"The bundle of {proposal.launch} was moved. " + " ".join(lines),
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
