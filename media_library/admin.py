from django import forms
from django.conf import settings
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from taggit.managers import TaggableManager

from newsroom.admin import TagSuggestWidget

from .models import Image, file_sha256


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "caption",
            "credit",
            "licence",
            "source_url",
            "tags",
        ]
        widgets = {"caption": forms.Textarea(attrs={"rows": 3})}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not getattr(self.instance, "file", None):
            limit = settings.IMAGE_MAX_UPLOAD_BYTES
            if upload.size > limit:
                raise forms.ValidationError(
                    "This file is %(size)s; the library takes images up to "
                    "%(limit)s. Export a smaller JPEG or WebP and upload that.",
                    code="too_big",
                    params={
                        "size": filesizeformat(upload.size),
                        "limit": filesizeformat(limit),
                    },
                )
            existing = Image.objects.exclude(pk=self.instance.pk).duplicate_of(
                file_sha256(upload)
            )
            if existing:
                url = reverse("admin:media_library_image_change", args=[existing.pk])
                raise forms.ValidationError(
                    format_html(
                        'This file is already in the library as <a href="{}">“{}”</a>.'
                        " Use that image instead of uploading it again.",
                        url,
                        existing.title,
                    ),
                    code="duplicate",
                )
        return upload


def thumbnail(img: Image | None, size: int = 80) -> str:
    if not img or not img.file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="width:{}px;height:auto;border-radius:3px">',
        img.file.url,
        img.alt_text,
        size,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    formfield_overrides = {TaggableManager: {"widget": TagSuggestWidget}}
    form = ImageForm
    list_display = [
        "thumbnail_column",
        "title",
        "credit",
        "licence",
        "dimensions",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail_column", "title"]
    list_filter = ["licence", "credit", "format", "uploaded_at"]
    search_fields = ["title", "caption", "credit", "alt_text", "tags__name"]
    date_hierarchy = "uploaded_at"
    readonly_fields = [
        "preview",
        "dimensions",
        "file_size",
        "format",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]
    fieldsets = [
        (None, {"fields": ["file", "preview", "title", "alt_text"]}),
        (
            "Caption and credit",
            {"fields": ["caption", "credit", "licence", "source_url"]},
        ),
        ("Finding it again", {"fields": ["tags"]}),
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="Image")
    def thumbnail_column(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def preview(self, obj):
        return thumbnail(obj, size=320)

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
