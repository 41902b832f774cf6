"""The image pages of the library's admin: the list, the change page (focal
point, crops, where the picture is used, the one rule on changing a picture on
the site), deletion of pictures in use, the bulk upload, the expired pictures
still on the site, the picker's thumbnail address; and the credit presets.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from taggit.managers import TaggableManager

from core.admin import TagSuggestWidget
from media_library import services
from media_library.models import CreditPreset, Image
from media_library.renditions import SPECS, image_plan, rendition_url
from media_library.usage import (
    PictureOnTheSite,
    Use,
    check_may_change,
    expired_in_use,
    record_picture_change,
    uses_of,
)
from workflow.editing import PlainSaveMessagesMixin, VersionedAdminMixin
from workflow.models import Publishable
from workflow.services import can_view

from .filters import LicenceExpiryFilter, OrientationFilter
from .forms import BulkUploadForm, ImageForm
from .widgets import thumbnail

# (spec, width, label, width shown) of the crops shown under the focal point.
CROP_PREVIEWS = [
    ("thumbnail", 160, "Square", 120),
    ("card", 480, "Cards and story heroes", 240),
    ("social", 1200, "Social sharing", 240),
]


def use_html(use: Use, user=None) -> str:
    """“Hero image of the story “X” (on the site: view)”, linked to its admin;
    a draft `user` may not see is named only by its kind, never its title."""
    if user is not None and not use.is_public and not _may_see(user, use.obj):
        return format_html(
            "{} of a {} you cannot see (not on the site)",
            use.relation.capitalize(),
            use.kind,
        )
    label = format_html("“{}”", use.obj)
    if use.admin_url:
        label = format_html('<a href="{}">{}</a>', use.admin_url, label)
    state = "on the site" if use.is_public else "not on the site"
    if use.is_public and use.public_url:
        state = format_html('<a href="{}">on the site</a>', use.public_url)
    return format_html(
        "{} of the {} {} ({})", use.relation.capitalize(), use.kind, label, state
    )


def _may_see(user, obj) -> bool:
    """Whether `user` may see `obj` in the admin: the workflow's rule for
    publishable items; anything else (an author profile) is staff's."""
    if isinstance(obj, Publishable):
        return can_view(user, obj)
    return True


@admin.register(Image)
class ImageAdmin(VersionedAdminMixin, admin.ModelAdmin):
    autosave_fields = ("title", "alt_text", "caption", "credit", "source_url")
    formfield_overrides = {TaggableManager: {"widget": TagSuggestWidget}}
    form = ImageForm
    list_display = [
        "thumbnail_column",
        "title",
        "credit",
        "licence",
        "licence_expires_on",
        "dimensions",
        "missing",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail_column", "title"]
    list_filter = [
        "licence",
        LicenceExpiryFilter,
        "credit",
        OrientationFilter,
        "format",
        "uploaded_at",
    ]
    search_fields = ["title", "caption", "credit", "alt_text", "tags__name"]
    date_hierarchy = "uploaded_at"
    readonly_fields = [
        "focal_point_picker",
        "crops",
        "uses",
        "dimensions",
        "file_size",
        "format",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]
    fieldsets = [
        (None, {"fields": ["file", "title", "alt_text"]}),
        (
            "Focal point",
            {
                "description": "Click the part of the picture that must stay in "
                "every crop (a face, the rocket). Save to see the crops.",
                "fields": ["focal_point_picker", ("focal_x", "focal_y"), "crops"],
            },
        ),
        (
            "Caption and credit",
            {
                "fields": [
                    "caption",
                    "credit",
                    "licence",
                    "licence_expires_on",
                    "source_url",
                ]
            },
        ),
        ("Finding it again", {"fields": ["tags"]}),
        ("Where it is used", {"fields": ["uses"]}),
        (
            "File details",
            {
                "classes": ["collapse"],
                "fields": [
                    "dimensions",
                    "file_size",
                    "format",
                    "sha256",
                    "uploaded_by",
                    "uploaded_at",
                ],
            },
        ),
    ]
    delete_confirmation_template = "admin/media_library/image/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/media_library/image/delete_selected_confirmation.html"
    )

    class Media:
        js = ["media_library/admin/focal-point.js"]
        css = {"all": ["media_library/admin/media-library.css"]}

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing to point at or list before the file is in
            return [
                (name, options)
                for name, options in self.fieldsets
                if name not in ("Focal point", "Where it is used")
            ]
        return self.fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def get_search_results(self, request, queryset, search_term):
        """The pickers (the admin's autocomplete) leave out images whose licence
        has expired: they may not be newly attached to anything."""
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        match = getattr(request, "resolver_match", None)
        if match and match.url_name == "autocomplete":
            queryset = queryset.exclude(pk__in=Image.objects.expired().values("pk"))
        return queryset, may_have_duplicates

    def get_urls(self):
        own = [
            path(
                "bulk-upload/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="media_library_image_bulk_upload",
            ),
            path(
                "expired-in-use/",
                self.admin_site.admin_view(self.expired_in_use_view),
                name="media_library_image_expired_in_use",
            ),
            path(
                "<path:object_id>/thumbnail/",
                self.admin_site.admin_view(self.thumbnail_view),
                name="media_library_image_thumbnail",
            ),
        ]
        return own + super().get_urls()

    # --- Columns and read-only fields ---

    @admin.display(description="Image")
    def thumbnail_column(self, obj):
        return thumbnail(obj)

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description="Missing")
    def missing(self, obj):
        return ", ".join(services.missing_for_publishing(obj)) or "—"

    @admin.display(description="Picture")
    def focal_point_picker(self, obj):
        if not obj or not obj.pk or not obj.width:
            return "—"
        preview = image_plan(obj, SPECS["full"], 800)
        return format_html(
            '<div class="focal-point" data-focal-point>'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-point-marker" aria-hidden="true"></span></div>',
            rendition_url(obj, "full", 800, "jpeg"),
            preview.width,
            preview.height,
            obj.alt_text,
        )

    @admin.display(description="Crops")
    def crops(self, obj):
        if not obj or not obj.pk or not obj.width:
            return "—"
        shown = []
        for spec, width, label, display_width in CROP_PREVIEWS:
            crop = image_plan(obj, SPECS[spec], width)
            shown.append(
                (
                    rendition_url(obj, spec, width, "jpeg"),
                    display_width,
                    round(display_width * crop.height / crop.width),
                    label,
                )
            )
        return format_html(
            '<div class="crop-previews">{}</div>',
            format_html_join(
                "",
                '<figure><img src="{}" width="{}" height="{}" alt="">'
                "<figcaption>{}</figcaption></figure>",
                shown,
            ),
        )

    @admin.display(description="Used in")
    def uses(self, obj):
        if not obj or not obj.pk:
            return "—"
        found = uses_of(obj)
        if not found:
            return "Not used anywhere yet."
        viewer = getattr(obj, "viewer", None)
        return format_html(
            '<ul class="image-uses">{}</ul>',
            format_html_join(
                "", "<li>{}</li>", ((use_html(u, viewer),) for u in found)
            ),
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.viewer = request.user  # for `uses`, which gets only obj
        return obj

    # --- Saving and deleting ---

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class PictureForm(form):
            def clean(self):
                cleaned = super().clean()
                if self.instance.pk is not None:
                    try:
                        check_may_change(user, self.instance, self.changed_data)
                    except PictureOnTheSite as refusal:
                        raise forms.ValidationError(
                            str(refusal), code="picture_on_the_site"
                        ) from None
                return cleaned

        PictureForm.__name__ = form.__name__
        return PictureForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if change:
            changed = {
                name: (form.initial.get(name, ""), form.cleaned_data.get(name, ""))
                for name in form.changed_data
            }
            # Checked again here, whatever the form did: the one rule.
            check_may_change(request.user, obj, changed)
            record_picture_change(obj, by=request.user, changed=changed)

    def get_deleted_objects(self, objs, request):
        """An image in use is not deleted: the page lists its uses, in words and
        linked, instead of Django's list of protected rows."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        in_use = [
            format_html("“{}”: {}", image.title, use_html(use, request.user))
            for image in objs
            for use in uses_of(image)
        ]
        return deleted, counts, perms_needed, in_use or protected

    # --- Extra pages ---

    def bulk_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        results = []
        form = BulkUploadForm(
            request.POST or None, request.FILES or None, user=request.user
        )
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                results.append(
                    services.add_image(
                        upload,
                        uploaded_by=request.user,
                        credit=form.cleaned_data["credit"],
                        licence=form.cleaned_data["licence"],
                        tags=form.cleaned_data["tags"],
                    )
                )
            outcomes = [r.outcome for r in results]
            messages.info(request, upload_summary(outcomes))
            gallery = form.cleaned_data.get("gallery")
            images = [r.image for r in results if r.image is not None]
            if gallery is not None and images:
                try:
                    added = services.add_to_gallery(gallery, images, by=request.user)
                except ValidationError as refused:  # the publish check
                    for message in refused.messages:
                        messages.error(
                            request,
                            f"Not added to the gallery “{gallery}”: {message} The "
                            "pictures are in the library: add what they lack, then "
                            "add them to the gallery.",
                        )
                else:
                    messages.success(
                        request,
                        f"{_pictures(len(added))} added to the gallery “{gallery}”.",
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload several images",
            "form": form,
            "results": results,
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/media_library/image/bulk_upload.html", context
        )

    def expired_in_use_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rows = [
            (image, [use_html(use) for use in uses]) for image, uses in expired_in_use()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Expired images still on the site",
            "rows": rows,
        }
        return TemplateResponse(
            request, "admin/media_library/image/expired_in_use.html", context
        )

    def thumbnail_view(self, request, object_id):
        """Redirect to an image's thumbnail (for the picker, which knows ids)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        image = get_object_or_404(
            Image, pk=object_id if object_id.isdigit() and len(object_id) < 19 else 0
        )
        if not image.width:
            raise Http404("This image has no file.")
        return HttpResponseRedirect(rendition_url(image, "thumbnail", 160, "jpeg"))


@admin.register(CreditPreset)
class CreditPresetAdmin(PlainSaveMessagesMixin, admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


def _pictures(count: int) -> str:
    return f"{count} picture{'' if count == 1 else 's'}"


def upload_summary(outcomes: list) -> str:
    """After a bulk upload, in words: "Uploaded 2 pictures to the library; 1
    was already there; 2 were refused: the table below says why." """
    added = outcomes.count(services.Outcome.ADDED)
    duplicate = outcomes.count(services.Outcome.DUPLICATE)
    refused = outcomes.count(services.Outcome.REFUSED)
    parts = [f"Uploaded {_pictures(added)} to the library"]
    if duplicate:
        were = "was" if duplicate == 1 else "were"
        parts.append(f"{duplicate} {were} already there, so not uploaded again")
    if refused:
        were = "was" if refused == 1 else "were"
        parts.append(f"{refused} {were} refused: the table below says why")
    return "; ".join(parts) + "."
