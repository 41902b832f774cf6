"""Widgets of the image library's admin: the credit box offering the presets,
the picture picker showing thumbnails (`ImagePickerMixin`, which the articles'
and authors' admins use too), the several-files input of the bulk upload, and
`thumbnail`, the small square crop shown in lists and pickers.
"""

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import AutocompleteSelect, SafeAutocompleteMixin
from media_library.models import CreditPreset, Image
from media_library.renditions import rendition_url


class CreditInput(forms.TextInput):
    """A text box offering the credit presets as suggestions (an HTML datalist);
    any other credit can still be typed."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "size": 60, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-presets"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join(
            "",
            '<option value="{}"></option>',
            (
                (preset,)
                for preset in CreditPreset.objects.values_list("name", flat=True)
            ),
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class ImagePickerWidget(AutocompleteSelect):
    """The admin's autocomplete for a field pointing at Image, with a thumbnail
    beside each title (in the results and in the chosen value)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Initialised by image-picker.js, not by the admin's autocomplete.js.
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "image-picker")
        attrs["data-thumbnail-url"] = reverse(
            "admin:media_library_image_thumbnail", args=["__id__"]
        )
        return attrs

    @property
    def media(self):
        # Listed after jquery.init.js, which defines the django.jQuery it uses:
        # on its own, the media merge was free to load it first, and the
        # pickers never started (no picture could be chosen in a gallery).
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "media_library/admin/image-picker.js"],
            css={"all": ["media_library/admin/media-library.css"]},
        )


class ImagePickerMixin(SafeAutocompleteMixin):
    """For a ModelAdmin: its autocomplete fields pointing at Image show
    thumbnails (`ImagePickerWidget`)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if (
            "widget" not in kwargs
            and db_field.related_model is Image
            and db_field.name in self.get_autocomplete_fields(request)
        ):
            kwargs["widget"] = ImagePickerWidget(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked on its own later, so one
    bad file does not refuse the others."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], "required")
        return files


def thumbnail(img: Image | None, size: int = 80) -> str:
    """A small square crop of `img` for admin lists and pickers."""
    if not img or not img.file or not img.width:  # unmeasured: no renditions
        return "—"
    url = rendition_url(img, "thumbnail", 160 if size <= 80 else 320, "jpeg")
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" '
        'class="library-thumbnail">',
        url,
        img.alt_text,
        size,
        size,
    )
