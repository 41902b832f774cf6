"""The space desk in the admin: each entity with search (and so autocomplete),
and the story form's "Space desk links" rows.

The story form gets its rows by re-registering ArticleAdmin with them added
(`SpaceArticleAdmin` below): articles sits below space and never imports it,
so space extends the story's admin the way a project extends a third-party
one. Django runs this module after articles' admin (INSTALLED_APPS order).
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from articles.admin import ArticleAdmin
from articles.models import Article
from core.admin import BoundedInlineMixin, SafeAutocompleteMixin
from workflow import services

from .launches import LL2Error, import_ll2, import_ll2_upload, update_launch
from .models import (
    CelestialBody,
    Launch,
    LaunchProvider,
    LaunchVehicle,
    Milestone,
    Mission,
    Place,
    Slip,
    Spacecraft,
)

# --- Times ---------------------------------------------------------------------


class NewsroomDateTimeInput(forms.DateTimeInput):
    """One box for a date and time (the browser's own picker), in place of the
    admin's split date and time boxes, whose time box had no label of its own
    (axe: "Form elements must have labels"). Seconds show, and may be typed,
    only when the time has some (a Launch Library 2 time may): a form saved
    untouched must not move a launch by dropping them."""

    input_type = "datetime-local"

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            return value.strftime(
                "%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M"
            )
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, dt.datetime) and value.second:
            context["widget"]["attrs"]["step"] = "1"
        return context


class NewsroomDateTimeField(forms.DateTimeField):
    """A time typed in the newsroom's zone (Django reads a form's naive time
    in TIME_ZONE), which its help text names."""

    widget = NewsroomDateTimeInput

    def __init__(self, *, help_text="", **kwargs):
        zone = f"In the newsroom's time zone, {settings.TIME_ZONE}."
        super().__init__(help_text=f"{help_text} {zone}".strip(), **kwargs)


NEWSROOM_TIMES = {
    models.DateTimeField: {
        "form_class": NewsroomDateTimeField,
        "widget": NewsroomDateTimeInput,
    }
}


class StoryLinkFormSet(BaseInlineFormSet):
    """A form posted without these rows (a page or a script from before them:
    the story form before the space desk, a mission's before its milestones)
    leaves the rows as they are, rather than being refused for a missing
    management form."""

    def __init__(self, data=None, *args, prefix=None, **kwargs):
        name = f"{prefix or self.get_default_prefix()}-TOTAL_FORMS"
        if data is not None and name not in data:
            data = data.copy()
            data[name] = data[name.replace("TOTAL", "INITIAL")] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)


class EntityAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "wikidata_id"]
    search_fields = ["name", "slug", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    # Stories are linked from the story form (the rows below), where the
    # workflow decides who may change the story.
    exclude = ["stories"]
    formfield_overrides = NEWSROOM_TIMES

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A form shown again for its mistakes is a 400, not a 200: bad input
        is the client's (a script posting a bad time learns it was refused)."""
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if (
            request.method == "POST"
            and response.status_code == 200
            and "adminform" in (getattr(response, "context_data", None) or {})
        ):
            response.status_code = 400
        return response


@admin.register(CelestialBody)
class CelestialBodyAdmin(EntityAdmin):
    pass


@admin.register(Place)
class PlaceAdmin(EntityAdmin):
    list_display = ["name", "body", "wikidata_id"]
    list_filter = ["body"]
    autocomplete_fields = ["body"]


@admin.register(LaunchProvider)
class LaunchProviderAdmin(EntityAdmin):
    pass


@admin.register(LaunchVehicle)
class LaunchVehicleAdmin(EntityAdmin):
    list_display = ["name", "provider", "wikidata_id"]
    autocomplete_fields = ["provider"]


class MilestoneInline(BoundedInlineMixin, admin.TabularInline):
    """A mission's landing, orbit insertion, flyby...: its hubs' upcoming
    events, then key facts. Whoever may change the mission keeps them (the
    roles give editors the milestones' rights with the entities')."""

    model = Milestone
    formset = StoryLinkFormSet
    fields = ["kind", "name", "at", "precision", "place"]
    autocomplete_fields = ["place"]
    formfield_overrides = NEWSROOM_TIMES
    extra = 0
    verbose_name_plural = "Milestones (landing, orbit insertion, flyby...)"


@admin.register(Mission)
class MissionAdmin(EntityAdmin):
    list_display = ["name", "target", "launch", "wikidata_id"]
    autocomplete_fields = ["target", "launch"]
    inlines = [MilestoneInline]


class SlipInline(admin.TabularInline):
    """A launch's time changes, newest first: read-only, since each is written
    by space.launches.update_launch when the time changes. Whoever may see the
    launch sees its history."""

    model = Slip
    verbose_name_plural = "Time changes"
    fields = readonly_fields = ["from_net", "to_net", "noticed_at", "source", "by"]
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("space.view_launch")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class LaunchImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="Launch Library 2 file",
        help_text="A JSON file of Launch Library 2's upcoming launches, at most 5 MB.",
        validators=[FileExtensionValidator(["json"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "This file is larger than 5 MB; a Launch Library 2 list is "
                "far smaller. Nothing was imported."
            )
        return upload


@admin.register(Launch)
class LaunchAdmin(EntityAdmin):
    """Another app may register a subclass in its place (the launch desk adds
    its inline): keep the save path in save_model, and call super() in
    get_urls so the subclass keeps "Import launches"."""

    list_display = ["name", "net", "status", "vehicle", "pad"]
    list_filter = ["status"]
    date_hierarchy = "net"
    search_fields = [*EntityAdmin.search_fields, "ll2_id"]
    autocomplete_fields = ["vehicle", "provider", "pad"]
    inlines = [SlipInline]

    def save_model(self, request, obj, form, change):
        """A change to an existing launch goes through update_launch, so a
        move of its time is kept as a slip and the launch desk is told."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        update_launch(
            obj,
            net=obj.net,
            window_start=obj.window_start,
            window_end=obj.window_end,
            status=obj.status,
            by=request.user,
            source=Slip.Source.HAND,
            noticed_at=timezone.now(),
            save_all=True,
        )

    # --- Import launches ------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="space_launch_import",
            ),
            *super().get_urls(),
        ]

    def may_import(self, request) -> bool:
        """An import adds launches and changes known ones: both rights."""
        return request.user.has_perm("space.add_launch") and request.user.has_perm(
            "space.change_launch"
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_import": self.may_import(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Upload a Launch Library 2 file, or fetch the latest list when
        LAUNCH_LIBRARY_URL is set: the command's own importer, run as the
        editor (a moved launch's slip names them). A file that is not LL2's
        list writes nothing and shows the form again with the reason (400).
        The POST is CSRF-checked by admin_view."""
        if not self.may_import(request):
            raise PermissionDenied
        status = 200
        form = LaunchImportForm()
        if request.method == "POST":
            form = LaunchImportForm(request.POST, request.FILES)
            fetching = "fetch" in request.POST
            if fetching and not settings.LAUNCH_LIBRARY_URL:
                form.add_error(None, "Fetching is off: LAUNCH_LIBRARY_URL is not set.")
            elif form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    if fetching:
                        report = import_ll2(
                            settings.LAUNCH_LIBRARY_URL, by=request.user
                        )
                    elif upload is None:
                        raise LL2Error("Choose a Launch Library 2 file to upload.")
                    else:
                        report = import_ll2_upload(
                            upload.read(MAX_UPLOAD_BYTES + 1),
                            name="The uploaded file",
                            by=request.user,
                        )
                except LL2Error as error:
                    form.add_error(
                        None if fetching else "file",
                        f"{error} Nothing was imported.",
                    )
                else:
                    messages.success(request, report.summary())
                    return redirect("admin:space_launch_changelist")
            status = 502 if fetching and settings.LAUNCH_LIBRARY_URL else 400
        return TemplateResponse(
            request,
            "admin/space/launch/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Import launches",
                "form": form,
                "can_fetch": bool(settings.LAUNCH_LIBRARY_URL),
            },
            status=status,
        )


@admin.register(Spacecraft)
class SpacecraftAdmin(EntityAdmin):
    list_display = ["name", "mission", "cospar_id", "norad_id", "wikidata_id"]
    search_fields = [*EntityAdmin.search_fields, "cospar_id"]
    autocomplete_fields = ["mission"]


# --- The story form's links ----------------------------------------------------


class StoryLinkInline(BoundedInlineMixin, admin.TabularInline):
    """One entity type's links from the story being edited. A link is part of
    the story, so whoever may change the story may change its links (the
    workflow's `can_edit`), where Django's default for these tables would ask
    for the right to change the entity."""

    formset = StoryLinkFormSet
    extra = 0

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.view_article")
        return services.can_view(request.user, obj)

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return services.can_edit(request.user, obj)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


def link_inline(entity_model) -> type[StoryLinkInline]:
    field = entity_model._meta.model_name
    return type(
        f"{entity_model.__name__}LinkInline",
        (StoryLinkInline,),
        {
            "model": entity_model.stories.through,
            "autocomplete_fields": [field],
            "fields": [field],
            "verbose_name": entity_model._meta.verbose_name,
            "verbose_name_plural": (
                f"space desk: {entity_model._meta.verbose_name_plural}"
            ),
        },
    )


LINK_INLINES = [
    link_inline(m)
    for m in (
        Mission,
        Spacecraft,
        Launch,
        LaunchVehicle,
        LaunchProvider,
        Place,
        CelestialBody,
    )  # fmt: skip
]


class SpaceArticleAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, *LINK_INLINES]


admin.site.unregister(Article)
admin.site.register(Article, SpaceArticleAdmin)
