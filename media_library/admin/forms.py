"""Forms of the image library's admin: the image form, which checks a new file
(`services.check_new_upload`) and fills title, caption, credit and alt text
left empty from the file's own metadata, and the bulk upload form.
"""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from taggit.forms import TagField

from core.admin import TagSuggestWidget
from media_library import services
from media_library.models import Gallery, Image, Licence
from workflow.services import can_edit, visible_to

from .widgets import CreditInput, MultipleFileField, MultipleFileInput

ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif"
METADATA_HELP = " Left empty, it is taken from the file's own metadata (IPTC, XMP)."
ALT_TEXT_HELP = (
    " Left empty, it is taken from the file's IPTC alt text, where the agency "
    "wrote one: read it before you rely on it."
)


class ImageForm(forms.ModelForm):
    # A plain input: the stored original has no address to link to (the page
    # shows the picture through its renditions) and an image always has a file.
    file = forms.FileField(
        label="Image file",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=Image._meta.get_field("file").help_text,
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "caption",
            "credit",
            "licence",
            "licence_expires_on",
            "source_url",
            "focal_x",
            "focal_y",
            "tags",
        ]
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 3}),
            "credit": CreditInput,
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = None
        for name in ("title", "credit", "caption", "alt_text"):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text += (
                    ALT_TEXT_HELP if name == "alt_text" else METADATA_HELP
                )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file, not the stored one
            checked = services.check_new_upload(upload, replacing=self.instance)
            self.suggested = checked.suggested
            return checked.file
        return upload

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "caption", "credit", "alt_text"):
            if self.suggested and not cleaned.get(name) and name in self.fields:
                cleaned[name] = getattr(self.suggested, name)
        for name in ("title", "credit", "alt_text"):
            if (
                name in self.fields
                and not cleaned.get(name)
                and name not in self.errors
            ):
                self.add_error(
                    name,
                    forms.ValidationError(
                        self.fields[name].error_messages["required"], code="required"
                    ),
                )
        return cleaned


class BulkUploadForm(forms.Form):
    files = MultipleFileField(
        label="Image files",
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text="Choose several JPEG, PNG, WebP, AVIF or GIF files at once.",
    )
    credit = forms.CharField(
        required=False,
        max_length=255,
        widget=CreditInput,
        help_text="For files whose own metadata names no credit.",
    )
    licence = forms.ChoiceField(choices=Licence.choices, initial=Licence.AGENCY)
    tags = TagField(required=False, widget=TagSuggestWidget)
    gallery = forms.ModelChoiceField(
        Gallery.objects.none(),
        required=False,
        label="Add them to a gallery",
        help_text="At its end, in the order chosen. A gallery on the site takes "
        "them only when each has alt text and a credit; otherwise they wait in "
        "the library.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only galleries this person may edit: asked before anything is stored.
        self.fields["gallery"].queryset = Gallery.objects.filter(
            pk__in=[
                g.pk
                for g in visible_to(user, Gallery).order_by("title")
                if can_edit(user, g)
            ]
        ).order_by("title")
