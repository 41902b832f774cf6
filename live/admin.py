"""The live desk: a compact page per live story to post entries as an event
goes on, and for editors to approve, pin, correct and delete them. Every
button posts to a service (live.services), which checks the right again.

/admin/live/liveentry/desk/            the live stories, and stories to start
/admin/live/liveentry/desk/<story id>/ the desk of one story
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article
from media_library.admin.widgets import ImagePickerMixin, ImagePickerWidget
from media_library.models import Image
from workflow.services import visible_to

from . import services
from .models import LiveEntry

DESK_RECENT = 30  # stories offered to start live coverage on


class EntryForm(forms.Form):
    text = forms.CharField(
        # The box a writer types in, event after event: ready on each load.
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
        required=False,
        max_length=services.TEXT_MAX,
        help_text="A blank line starts a new paragraph.",
    )
    image = forms.ModelChoiceField(
        Image.objects.all(), required=False, label="Picture from the library"
    )
    embed = forms.CharField(
        required=False,
        max_length=500,
        label="Embed address",
        help_text="A video or post address (YouTube, Vimeo, X, Bluesky, "
        "Mastodon, NASA...), as in a story.",
    )
    pinned = forms.BooleanField(required=False, label="Pin to the top")

    def __init__(self, *args, may_pin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        picker = ImagePickerWidget(LiveEntry._meta.get_field("image"), admin.site)
        picker.choices = self.fields["image"].choices
        self.fields["image"].widget = picker
        if not may_pin:
            del self.fields["pinned"]


class CorrectionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(max_length=services.CORRECTION_MAX, label="What was wrong")
    drop_picture = forms.BooleanField(required=False, label="Take the picture out")


@admin.register(LiveEntry)
class LiveEntryAdmin(ImagePickerMixin, admin.ModelAdmin):
    """The entries, listed; they are posted and changed from the desk."""

    change_list_template = "live/entry_change_list.html"  # links the desk
    list_display = ["posted_at", "article", "status", "pinned", "desk_link"]
    list_filter = ["status", "pinned"]
    list_select_related = ["article"]
    autocomplete_fields = ["image"]  # the desk's picture picker asks this admin
    search_fields = ["text", "article__headline"]

    def get_queryset(self, request):
        """The entries of the stories this user may see (a writer: their own)."""
        return (
            super()
            .get_queryset(request)
            .filter(article__in=visible_to(request.user, Article).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="desk")
    def desk_link(self, entry):
        return format_html(
            '<a href="{}">Live desk</a>',
            reverse("admin:live_desk", args=[entry.article_id]),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("desk/", wrap(self.desk_index_view), name="live_desk_index"),
            path("desk/<int:story_id>/", wrap(self.desk_view), name="live_desk"),
        ] + super().get_urls()

    # --- The desk ----------------------------------------------------------

    def desk_index_view(self, request):
        if not request.user.has_perm("live.add_liveentry"):
            raise PermissionDenied
        stories = visible_to(request.user, Article).select_related("section")
        live = list(stories.filter(is_live=True).order_by("-coverage_start"))
        startable = [
            s
            for s in stories.filter(is_live=False).order_by("-updated_at")[:DESK_RECENT]
            if services.can_post(request.user, s)
        ]
        return TemplateResponse(
            request,
            "live/desk_index.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Live desk",
                "live": live,
                "startable": startable,
            },
        )

    def desk_view(self, request, story_id):
        article = get_object_or_404(Article, pk=story_id)
        user = request.user
        may_post = services.can_post(user, article)
        may_moderate = services.can_moderate(user, article)
        if not (may_post or may_moderate):
            raise PermissionDenied
        form = EntryForm(may_pin=may_moderate)
        correcting = None  # a refused correction, shown again as typed
        status = 200
        if request.method == "POST":
            action = request.POST.get("action", "")
            try:
                outcome = self._act(request, article, action)
            except PermissionDenied as refused:
                messages.error(request, str(refused) or "You may not do that.")
                status = 403
                outcome = None
            except ValidationError as invalid:
                messages.error(request, " ".join(invalid.messages))
                status = 400
                outcome = None
            if outcome is not None:
                messages.success(request, outcome)
                return redirect(request.path)
            if action == "post":  # the refused or invalid entry keeps its text
                form = EntryForm(request.POST, may_pin=may_moderate)
                form.is_valid()
            elif action == "correct":  # and so does a refused correction
                correcting = {
                    "entry": request.POST.get("entry", ""),
                    "text": request.POST.get("text", ""),
                    "note": request.POST.get("note", ""),
                    "drop_picture": bool(request.POST.get("drop_picture")),
                }
        entries = list(
            LiveEntry.objects.for_story(article)
            .select_related("image", "author")
            .order_by("-pinned", "-posted_at", "-id")
        )
        for entry in entries:  # what each entry's correction form holds
            entry.correction_draft = {"text": entry.text, "note": "", "refused": False}
            if correcting and correcting["entry"] == str(entry.pk):
                entry.correction_draft = {**correcting, "refused": True}
        return TemplateResponse(
            request,
            "live/desk.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Live desk: {article.headline}",
                "article": article,
                "form": form,
                "media": self.media + form.media,
                "entries": entries,
                "may_post": may_post,
                "may_moderate": may_moderate,
                "needs_approval": services.needs_approval(user, article),
                "public": Article.objects.public().filter(pk=article.pk).exists(),
                "story_change_url": reverse(
                    "admin:articles_article_change", args=[article.pk]
                ),
            },
            status=status,
        )

    def _act(self, request, article, action: str) -> str | None:
        """Do what the button posted asks; the message to show, or None when
        the form has errors."""
        user = request.user
        if action == "post":
            form = EntryForm(request.POST, may_pin=True)
            if not form.is_valid():
                raise ValidationError(
                    [e for errors in form.errors.values() for e in errors]
                )
            entry = services.post_entry(
                article,
                by=user,
                text=form.cleaned_data["text"],
                image=form.cleaned_data["image"],
                embed=form.cleaned_data["embed"],
                pinned=form.cleaned_data.get("pinned", False),
            )
            if entry.is_shown:
                return "Posted."
            return "Sent to an editor: it appears once approved."
        if action == "start":
            services.start_coverage(article, by=user)
            return "Live coverage started."
        if action == "end":
            services.end_coverage(article, by=user)
            return "Live coverage ended."
        entry = self._entry(request, article)
        if action == "approve":
            services.approve_entry(entry, by=user)
            return "Approved: readers see it."
        if action in ("pin", "unpin"):
            services.pin_entry(entry, by=user, pinned=action == "pin")
            return "Pinned." if action == "pin" else "Unpinned."
        if action == "delete":
            services.delete_entry(entry, by=user)
            return "Deleted: readers' pages drop it."
        if action == "correct":
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [e for errors in form.errors.values() for e in errors]
                )
            services.correct_entry(
                entry,
                by=user,
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
                drop_picture=form.cleaned_data["drop_picture"],
            )
            return "Corrected: readers see the note."
        raise ValidationError("Unknown action.")

    @staticmethod
    def _entry(request, article) -> LiveEntry:
        raw = request.POST.get("entry", "")
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationError("No such entry.")
        entry = LiveEntry.objects.filter(article=article, pk=int(raw)).first()
        if entry is None:
            raise ValidationError("No such entry.")
        return entry


# --- The story form: live coverage ---------------------------------------------

# The story admin as registered when this module runs (space's, with its rows):
# live sits above articles and space, so it extends the story form by
# registering a subclass in its place, as space does; articles never imports
# live. INSTALLED_APPS puts live after space, so space's admin has run.
StoryAdmin = admin.site._registry[Article].__class__


class LiveSwitch(forms.CheckboxInput):
    """The is_live checkbox, with a hidden mark that it was on the page: a
    story form posted without it (a page or script from before the switch)
    leaves is_live as it is, where a missing checkbox would mean "off"."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '{}<input type="hidden" name="{}-shown" value="1">',
            super().render(name, value, attrs, renderer),
            name,
        )


def _keep_is_live_unless_shown(form) -> bool:
    """The story form's clean_is_live (see LiveSwitch)."""
    if f"{form.add_prefix('is_live')}-shown" not in form.data:
        return form.instance.is_live
    return form.cleaned_data["is_live"]


class LiveArticleAdmin(StoryAdmin):
    """The story form's "Live coverage": the is_live switch (on for whoever may
    start coverage, as the desk's Start; off for editors only, who end
    coverage) and, for a live story, the link to its desk and its coverage
    times, read-only (the desk starts and ends them)."""

    def get_fieldsets(self, request, obj=None):
        fields = ["is_live"]
        if obj is not None and obj.is_live:
            fields += ["live_desk_link", "coverage_start", "coverage_end"]
        return [
            *super().get_fieldsets(request, obj),
            ("Live coverage", {"fields": fields}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "is_live":
            kwargs["widget"] = LiveSwitch
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "is_live" not in form.base_fields:
            return form
        return type(
            form.__name__, (form,), {"clean_is_live": _keep_is_live_unless_shown}
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            *super().get_readonly_fields(request, obj),
            "live_desk_link",
            "coverage_start",
            "coverage_end",
        ]
        if not self.may_switch_live(request.user, obj):
            readonly.append("is_live")
        return readonly

    @staticmethod
    def may_switch_live(user, obj) -> bool:
        if obj is None:  # a new story: whoever may post to a live story
            return user.has_perm("live.add_liveentry")
        if obj.is_live:
            return services.can_moderate(user, obj)
        return services.can_moderate(user, obj) or services.can_post(user, obj)

    @admin.display(description="Live desk")
    def live_desk_link(self, obj):
        return format_html(
            '<a href="{}">Open the live desk</a>',
            reverse("admin:live_desk", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        """Turned on, coverage starts now (or keeps its start), as the desk's
        Start does; the switch is in the form only for those who may."""
        if obj.is_live and not form.initial.get("is_live"):
            obj.coverage_start = obj.coverage_start or timezone.now()
            obj.coverage_end = None
        super().save_model(request, obj, form, change)


admin.site.unregister(Article)
admin.site.register(Article, LiveArticleAdmin)
