import json
import re

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.forms import Script
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import ImportMap, Media
from taggit.managers import TaggableManager

from authors.models import Author
from core.admin import BoundedInlineMixin, TagSuggestWidget
from core.sanitize import clean_html
from media_library import inline
from media_library.admin import ImagePickerMixin, thumbnail
from media_library.models import Image
from media_library.services import missing_for_publishing
from media_library.templatetags.media_library import image_url
from media_library.usage import refuse_if_expired
from workflow.admin import WorkflowAdminMixin
from workflow.editing import PlainSaveMessagesMixin
from workflow.forms import WorkflowForm

from . import embeds
from .checklist import SEO_DESCRIPTION_MAX, SEO_TITLE_MAX
from .models import WORDS_PER_MINUTE, Article, Byline, Correction, Section
from .search import clean_query

# Embed code pasted as HTML: `clean_html` would drop it without a word.
IFRAME = re.compile(r"<\s*iframe\b", re.IGNORECASE)


class StoryBodyWidget(AdminProseEditorWidget):
    """The prose editor plus our own extensions for library pictures and
    embeds: their modules are added to those the editor loads (resolved
    through the static files storage, so hashed names work), and the helpers
    they and the form's aids share are in the editor's import map, as
    "newsroom/editor-helpers" (the same storage resolves the name)."""

    @property
    def media(self):
        helpers = {"newsroom/editor-helpers": "core/admin/editor-helpers.js"}
        return super().media + Media(importmap=ImportMap(helpers))

    def get_config(self):
        config = super().get_config()
        modules = [
            static("media_library/admin/library-image.js"),
            static("articles/admin/embed.js"),
            static("articles/admin/clean-paste.js"),
        ]
        # What is pasted is cleaned by the server's own rule before the editor
        # shows it (ArticleAdmin.clean_paste_view), so it is what will be saved.
        cleaning = {"cleanUrl": reverse("admin:articles_article_clean_paste")}
        return config | {
            "js_modules": [*config.get("js_modules", []), *modules],
            "extensions": config["extensions"] | {"CleanPaste": cleaning},
        }


# What a story body may contain; core.sanitize.clean_html allows all of it
# and stays the server-side guarantee whatever the editor sends.
BODY_EDITOR = StoryBodyWidget(
    preset="configurable",
    config={
        "extensions": {
            "Bold": True,
            "Italic": True,
            "Strike": True,
            "Subscript": True,
            "Superscript": True,
            "Heading": {"levels": [2, 3, 4]},
            "BulletList": True,
            "OrderedList": True,
            "ListItem": True,
            "Blockquote": True,
            "HorizontalRule": True,
            "HardBreak": True,
            "Link": {"enableTarget": False},
            "HTML": True,
            "History": True,
            "SpecialCharacters": True,
            # Library pictures, placed as references (media_library.inline);
            # the editor looks them up through ArticleAdmin.library_images_view.
            "LibraryImage": {
                "lookupUrl": reverse_lazy("admin:articles_article_library_images"),
                "uploadUrl": reverse_lazy("admin:media_library_image_bulk_upload"),
            },
            # Videos, posts and our own stories and galleries, placed as typed
            # references (articles.embeds), checked through
            # ArticleAdmin.embed_check_view.
            # "Embed a story or gallery" searches ArticleAdmin.embed_choices_view.
            "Embed": {
                "checkUrl": reverse_lazy("admin:articles_article_embed_check"),
                "choicesUrl": reverse_lazy("admin:articles_article_embed_choices"),
            },
        }
    },
)


class ArticleForm(WorkflowForm):
    class Media:
        css = {"all": ["articles/admin/story-form.css"]}
        # Word count, reading time, length hints and the search and social
        # previews, computed in the browser as the writer types, with the
        # story page's reading speed and address.
        js = [
            Script(
                "articles/admin/story-aids.js",
                **{
                    "data-words-per-minute": WORDS_PER_MINUTE,
                    "data-story-address": reverse_lazy(
                        "articles:detail", kwargs={"slug": "--slug--"}
                    ),
                    "data-site-name": settings.SITE_NAME,
                    "data-image-lookup": reverse_lazy(
                        "admin:articles_article_library_images"
                    ),
                    # The lengths the checklist holds these fields to.
                    "data-recommended-lengths": json.dumps(
                        {
                            "seo_title": SEO_TITLE_MAX,
                            "seo_description": SEO_DESCRIPTION_MAX,
                        }
                    ),
                },
            )
        ]

    def clean_body(self):
        """Every library picture in the body must exist, and one newly placed
        must be within its licence (a story already showing it may keep it).
        Every embed must be one `articles.embeds` accepts, and a pasted
        embed code (an iframe, which cleaning would silently drop) is refused
        with what to do instead. The form shows the posted text again."""
        body = self.cleaned_data.get("body", "")
        errors = []
        if IFRAME.search(body or ""):
            errors.append(
                ValidationError(
                    "The text contains a video or post's embed code (an "
                    "<iframe>), which cannot be kept. Remove it, and paste the "
                    "video's or post's address instead, on a line of its own or "
                    "with the editor's “Embed a video or post” button.",
                    code="raw_iframe",
                )
            )
        cleaned = clean_html(body)
        errors += embeds.problems(cleaned)
        ids = inline.image_ids(cleaned)
        if not ids:
            if errors:
                raise ValidationError(errors)
            return body
        before = set(inline.image_ids(self.initial.get("body") or ""))
        images = Image.objects.in_bulk(ids)
        for pk in ids:
            if pk not in images:
                errors.append(
                    ValidationError(
                        "The body shows library image #%(pk)s, which no longer "
                        "exists. Remove that picture or choose another.",
                        code="missing_image",
                        params={"pk": pk},
                    )
                )
            elif pk not in before:
                try:
                    refuse_if_expired(images[pk])
                except ValidationError as error:
                    errors.append(error)
        if errors:
            raise ValidationError(errors)
        return body

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if "hero_image" in self.changed_data:
            refuse_if_expired(image)  # a story already using it may keep it
        return image

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "section",
            "tags",
            "body",
            "hero_image",
            "hero_caption",
            "featured",
            "seo_title",
            "seo_description",
            "related",
            "gallery",
        ]
        widgets = {
            "body": BODY_EDITOR,
            "dek": forms.Textarea(attrs={"rows": 2}),
            "hero_caption": forms.Textarea(attrs={"rows": 2}),
        }


@admin.register(Section)
class SectionAdmin(PlainSaveMessagesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class BylineFormSet(BaseInlineFormSet):
    """Refuses a second byline for an author already on the story, whatever
    the post says: Django leaves the story out of the form's unique check, so
    a forged INITIAL_FORMS (a stored byline posted as new) reached the
    database's constraint as a 500."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        shown = {form.instance.pk for form in self.initial_forms}
        stored = set(
            Byline.objects.filter(article=self.instance)
            .exclude(pk__in=shown)
            .values_list("author_id", flat=True)
        )
        for form in self.extra_forms:
            author = form.cleaned_data.get("author") if form.has_changed() else None
            if author is not None and author.pk in stored:
                form.add_error(
                    "author", "This author already has a byline on this story."
                )


class BylineForm(forms.ModelForm):
    def has_changed(self):
        """A new story's form comes with the writer's own byline filled in
        (`ArticleAdmin.get_formset_kwargs`): left as it is, it is still a
        byline to save, and the checklist counts it."""
        if self.instance.pk is None and self["author"].value():
            return True
        return super().has_changed()


def own_author(user) -> Author | None:
    """The writer's author profile, when new bylines may name it."""
    author = getattr(user, "author_profile", None)
    if author is None or not Author.objects.active().filter(pk=author.pk).exists():
        return None
    return author


class BylineInline(BoundedInlineMixin, admin.TabularInline):
    model = Byline
    form = BylineForm
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in the order printed)"

    def get_extra(self, request, obj=None, **kwargs):
        # A new story opens with the writer's byline row filled in.
        return 1 if obj is None and own_author(request.user) else 0

    def get_formset(self, request, obj=None, **kwargs):
        """A new byline goes to an active author, as the picker offers them
        (`AuthorAdmin.get_search_results`); one already on the story stays, so
        a departed writer's story can still be saved."""
        formset = super().get_formset(request, obj, **kwargs)
        authors = Q(pk__in=Author.objects.active().values("pk"))
        if obj is not None and obj.pk is not None:
            authors |= Q(pk__in=obj.bylines.values("author"))
        formset.form.base_fields["author"].queryset = Author.objects.filter(authors)
        return formset


class CorrectionInline(BoundedInlineMixin, admin.StackedInline):
    model = Correction
    extra = 0
    fields = [("kind", "created_at"), "text"]


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, ImagePickerMixin, admin.ModelAdmin):
    form = ArticleForm
    autosave_fields = ("headline", "dek", "body", "hero_caption", "seo_title",
                       "seo_description")  # fmt: skip
    formfield_overrides = {TaggableManager: {"widget": TagSuggestWidget}}
    list_display = [
        "thumbnail_column",
        "headline",
        "section",
        "byline_names",
        "status",
        "published_at",
        "updated_at",
    ]
    list_display_links = ["thumbnail_column", "headline"]
    list_filter = ["status", "section", "published_at", "bylines__author"]
    search_fields = ["headline", "dek", "slug", "bylines__author__name", "tags__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["hero_image", "related", "gallery"]
    inlines = [BylineInline, CorrectionInline]
    readonly_fields = ["hero_preview", "created_at", "updated_at"]
    rendered_when_read_only = {
        "body": "rendered_body",
        "related": "related_shown",
        "gallery": "gallery_shown",
    }
    fieldsets = [
        (
            None,
            {"fields": ["headline", "slug", "dek", "section", "tags"]},
        ),
        ("Story", {"fields": ["body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_preview", "hero_caption"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "revised_at", "featured"]},
        ),
        (
            "Search and sharing",
            {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
        ),
        (
            "Related stories and gallery",
            {"classes": ["collapse"], "fields": ["related", "gallery"]},
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_urls(self):
        lookup = self.admin_site.admin_view(self.library_images_view)
        return [
            path(
                "clean-paste/",
                self.admin_site.admin_view(self.clean_paste_view),
                name="articles_article_clean_paste",
            ),
            path(
                "embed-choices/",
                self.admin_site.admin_view(self.embed_choices_view),
                name="articles_article_embed_choices",
            ),
            path(
                "embed-check/",
                self.admin_site.admin_view(self.embed_check_view),
                name="articles_article_embed_check",
            ),
            path(
                "library-images/",
                lookup,
                name="articles_article_library_images",
            ),
            path(
                "library-images/<int:image_id>/",
                lookup,
                name="articles_article_library_image",
            ),
        ] + super().get_urls()

    LIBRARY_RESULTS = 24

    def library_images_view(self, request, image_id=None):
        """JSON for the body editor's library pictures: one image (to draw a
        placed figure) or a search (?q=) over title, caption, credit, alt text
        and tags, newest first. For whoever may write stories and see the
        library; each result says what it lacks and whether it may be placed."""
        if not (
            (self.has_add_permission(request) or self.has_change_permission(request))
            and request.user.has_perm("media_library.view_image")
        ):
            raise PermissionDenied
        images = Image.objects.exclude(file="").exclude(width=None)
        if image_id is not None:
            return JsonResponse(
                self._library_json(get_object_or_404(images, pk=image_id))
            )
        query = clean_query(request.GET.get("q", ""))
        if query:
            images = images.filter(
                Q(title__icontains=query)
                | Q(caption__icontains=query)
                | Q(credit__icontains=query)
                | Q(alt_text__icontains=query)
                | Q(tags__name__iexact=query)
            ).distinct()
        found = images.order_by("-uploaded_at", "-id")[: self.LIBRARY_RESULTS]
        return JsonResponse({"results": [self._library_json(img) for img in found]})

    def clean_paste_view(self, request):
        """JSON for the body editor's paste (articles/admin/clean-paste.js):
        the pasted HTML as `clean_html` keeps it, so the writer sees at once
        what will be saved, by the one rule the server applies on save. For
        whoever may write stories; POST, as it carries the writer's text."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return JsonResponse({"html": clean_html(request.POST.get("html", ""))})

    def embed_check_view(self, request):
        """JSON for the body editor's embeds: what ?url= would embed (its
        canonical address, provider and title) or why it cannot be embedded.
        For whoever may write stories. Our own story or gallery is named only
        when public: readers would see nothing of a draft."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        url = request.GET.get("url", "")
        ours = embeds.our_reference(url, {request.get_host().split(":")[0]})
        try:
            embed = embeds.parse(ours or url, title=request.GET.get("title", ""))
        except ValidationError as error:
            return JsonResponse({"ok": False, "error": " ".join(error.messages)})
        data = {
            "ok": True,
            "url": embed.url,
            "provider": embed.provider_name,
            "kind": embed.kind,
            "title": embed.title,
            "frame": bool(embed.frame),
            "placeholder": embeds.placeholder(embed),
        }
        if embed.ours:
            item = embeds.public_items([embed]).get(embed.url)
            if item is None:
                data["note"] = (
                    f"Our {embed.kind} #{embed.our_id} is not public: readers "
                    "will see nothing in its place until it is published."
                )
            else:
                data["title"] = embed.title or str(item)
        return JsonResponse(data)

    def embed_choices_view(self, request):
        """JSON for the body editor's "Embed a story or gallery" picker: our
        stories and galleries matching ?q= (?kind=story or gallery for one
        kind) that this user may see (`embeds.choices`). For whoever may
        write stories; a query too long or a kind we do not have is a 400."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        raw, kind = request.GET.get("q", ""), request.GET.get("kind", "")
        if len(raw) > embeds.PICK_QUERY_MAX or kind not in ("", *embeds.PICK_KINDS):
            return JsonResponse(
                {"error": "Search stories or galleries, in 200 characters at most."},
                status=400,
            )
        found = embeds.choices(request.user, clean_query(raw), kind)
        return JsonResponse({"results": found})

    @staticmethod
    def _library_json(image: Image) -> dict:
        return {
            "id": image.pk,
            "title": image.title,
            "alt": image.alt_text,
            "caption": image.caption,
            "credit": image.credit,
            "thumbnail": image_url(image, "thumbnail"),
            "missing": missing_for_publishing(image),
            "expired": image.licence_expired,
            "admin_url": image.get_admin_url(),
        }

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and obj.pk is None:
            if author := own_author(request.user):
                kwargs["initial"] = [{"author": author.pk, "position": 0}]
        return kwargs

    def before_revision(self, request, obj, change):
        # A writer's new story carries their byline unless they chose others.
        author = getattr(request.user, "author_profile", None)
        if not change and author and not obj.bylines.exists():
            Byline.objects.create(article=obj, author=author)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section", "hero_image")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    @admin.display(description="Image")
    def thumbnail_column(self, obj):
        return thumbnail(obj.hero_image, size=64)

    @admin.display(description="Hero preview")
    def hero_preview(self, obj):
        return thumbnail(obj.hero_image, size=320)

    @admin.display(description="Body")
    def rendered_body(self, obj):
        """The body as readers get it (cleaned, library pictures drawn), for
        whoever may read the story but not edit it."""
        body = inline.render(clean_html(obj.body), obj.inline_images())
        return format_html('<div class="story-body-read-only">{}</div>', body)

    @admin.display(description="Related stories")
    def related_shown(self, obj):
        return self.links_shown(obj, "related")

    @admin.display(description="Gallery")
    def gallery_shown(self, obj):
        return self.links_shown(obj, "gallery")

    @admin.display(description="Bylines")
    def byline_names(self, obj):
        return ", ".join(b.author.name for b in obj.bylines.all()) or "—"
