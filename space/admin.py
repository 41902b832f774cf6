"""The space desk in the admin: each entity with search (and so autocomplete),
and the story form's "Space desk links" rows.

The story form gets its rows by re-registering ArticleAdmin with them added
(`SpaceArticleAdmin` below): articles sits below space and never imports it,
so space extends the story's admin the way a project extends a third-party
one. Django runs this module after articles' admin (INSTALLED_APPS order).
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from articles.admin import ArticleAdmin
from articles.models import Article
from core.admin import BoundedInlineMixin, SafeAutocompleteMixin
from workflow import services

from .launches import update_launch
from .models import (
    CelestialBody,
    Launch,
    LaunchProvider,
    LaunchVehicle,
    Mission,
    Place,
    Slip,
    Spacecraft,
)


class EntityAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "wikidata_id"]
    search_fields = ["name", "slug", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    # Stories are linked from the story form (the rows below), where the
    # workflow decides who may change the story.
    exclude = ["stories"]


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


@admin.register(Mission)
class MissionAdmin(EntityAdmin):
    list_display = ["name", "target", "launch", "wikidata_id"]
    autocomplete_fields = ["target", "launch"]


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


@admin.register(Launch)
class LaunchAdmin(EntityAdmin):
    """Another app may register a subclass in its place (the launch desk adds
    its inline): keep the save path in save_model."""

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


@admin.register(Spacecraft)
class SpacecraftAdmin(EntityAdmin):
    list_display = ["name", "mission", "cospar_id", "norad_id", "wikidata_id"]
    search_fields = [*EntityAdmin.search_fields, "cospar_id"]
    autocomplete_fields = ["mission"]


# --- The story form's links ----------------------------------------------------


class StoryLinkFormSet(BaseInlineFormSet):
    """A story form posted without these rows (a page or a script from before
    the space desk) leaves the story's links as they are, rather than being
    refused for a missing management form."""

    def __init__(self, data=None, *args, prefix=None, **kwargs):
        name = f"{prefix or self.get_default_prefix()}-TOTAL_FORMS"
        if data is not None and name not in data:
            data = data.copy()
            data[name] = data[name.replace("TOTAL", "INITIAL")] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)


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
