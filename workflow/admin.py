"""Admin screens of the editorial workflow, for any publishable model.

`WorkflowAdminMixin` adds to a ModelAdmin: the state panel with only the actions
the user may take, conflict-checked edits with revisions, history and diff,
restore, previews, share links, a review queue and a calendar. Every button
calls `workflow.services`, where the rules are enforced.
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from . import desk, diff, registry, services, wording
from .editing import VersionedAdminMixin
from .forms import WorkflowForm, parse_local_time
from .models import Publishable, Revision, ShareLink, Transition
from .states import RULES, State
from .views import no_cache, share_url

WORKFLOW_READONLY = ["status", "published_at", "revised_at"]
# How far from a calendar week's first day its page reaches.
WEEKS_AROUND = dt.timedelta(days=15)


def state_words(item) -> tuple[str, str]:
    """The item's state as the list and the change form show it, in two parts:
    ("Published", "at 14:00"), in the newsroom's time zone and with the date
    unless it is today. A scheduled item whose minute has come shows as
    published, whether or not the worker has recorded it yet
    (`Publishable.shown_status` decides)."""
    state = item.shown_status
    if state not in (State.PUBLISHED, State.SCHEDULED) or item.published_at is None:
        return state.label, ""
    local = timezone.localtime(item.published_at)
    when = f"{local:%H:%M}"
    if local.date() != timezone.localdate():
        when += f" on {local:%Y-%m-%d}"
    return state.label, f"at {when}" if state == State.PUBLISHED else f"for {when}"


def state_label(item) -> str:
    """The state in one line: "Published at 14:00", "Draft"."""
    return " ".join(part for part in state_words(item) if part)


def choosable(user, model: type[Publishable]):
    """The items of `model` that `user` may pick in a form (a related story, a
    gallery): what they may see in the admin (`services.visible_to`) and what
    anyone may read on the site (`public()`). Every picker offers exactly
    these and every form accepts exactly these, so an item someone may not see
    is refused with the very words a missing one is."""
    manager = model._default_manager
    return manager.filter(
        Q(pk__in=services.visible_to(user, model).values("pk"))
        | Q(pk__in=manager.public().values("pk"))
    )


def _is_autocomplete(request) -> bool:
    """Whether this is the admin's autocomplete JSON (`AutocompleteJsonView`),
    which asks the picked model's admin for its queryset."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


def _pks(value) -> list:
    if value in (None, ""):
        return []
    values = value if isinstance(value, list | tuple | set) else [value]
    return [v.pk if hasattr(v, "pk") else v for v in values]


def hidden_links(form) -> dict[str, list]:
    """Field name -> ids the stored item links to that this form's user may not
    pick (an editor linked another writer's draft): the form neither shows them
    nor offers them, and saving keeps them (`keep_hidden_links`)."""
    hidden = {}
    if form.instance.pk is None:
        return hidden
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField) or not issubclass(
            field.queryset.model, Publishable
        ):
            continue
        stored = _pks(form.initial.get(name))
        if not stored:
            continue
        shown = set(field.queryset.filter(pk__in=stored).values_list("pk", flat=True))
        if missing := [pk for pk in stored if pk not in shown]:
            hidden[name] = missing
            many = isinstance(field, forms.ModelMultipleChoiceField)
            # What the form started from is what it shows: a save that leaves
            # the field alone is no change of it (in the history, the merge).
            form.initial[name] = [pk for pk in stored if pk in shown] if many else None
            if many:
                note = f"Also linked: {_count(missing, field)} you cannot see; "
                note += "saving keeps them."
            else:
                note = f"Linked: {_count(missing, field)} you cannot see; it "
                note += "stays unless you choose another."
            field.help_text = f"{field.help_text} {note}".strip()
    return hidden


def _count(pks, field) -> str:
    meta = field.queryset.model._meta
    noun = meta.verbose_name if len(pks) == 1 else meta.verbose_name_plural
    return f"{len(pks)} {noun}"


def keep_hidden_links(form, obj) -> None:
    """Put back on `obj` the links its form did not show (`hidden_links`): a
    save by someone who could not see them leaves them as they were."""
    for name, pks in getattr(form, "hidden_links", {}).items():
        if name not in form.cleaned_data:
            continue
        if isinstance(form.fields[name], forms.ModelMultipleChoiceField):
            form.cleaned_data[name] = [*form.cleaned_data[name], *pks]
        elif form.cleaned_data[name] is None:
            setattr(obj, obj._meta.get_field(name).attname, pks[0])


class WorkflowAdminMixin(VersionedAdminMixin):
    form = WorkflowForm
    change_form_template = "workflow/admin/change_form.html"
    change_list_template = "workflow/admin/change_list.html"
    actions = ["publish_selected"]

    # --- Who sees and edits what ---------------------------------------------

    def get_queryset(self, request):
        if _is_autocomplete(request):  # a picker on another item's form
            return choosable(request.user, self.model)
        return services.visible_to(request.user, self.model)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.viewer = request.user  # for `links_shown`, which gets only obj
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if issubclass(db_field.related_model, Publishable):
            kwargs.setdefault(
                "queryset", choosable(request.user, db_field.related_model)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if issubclass(db_field.related_model, Publishable):
            kwargs.setdefault(
                "queryset", choosable(request.user, db_field.related_model)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return services.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not services.can_edit(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return services.may(request.user, "publish", self.model)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *WORKFLOW_READONLY]

    # --- Read-only pages, the list's state column, "View on site" ------------

    # Rich text that whoever may only view an item (a writer whose story is in
    # review) sees as readers do, not as its HTML source:
    # {field name: name of a method of the admin that renders it}.
    rendered_when_read_only: dict[str, str] = {}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Django shows every field of a read-only page as text: show rich text
        # rendered instead, and leave out the form's hidden fields (the version
        # it was loaded from), which have nothing to show.
        hidden = {
            name
            for name, field in self.form.declared_fields.items()
            if field.widget.is_hidden
        }

        def shown(names):
            for name in names:
                if isinstance(name, list | tuple):  # several fields on one line
                    if row := tuple(shown(name)):
                        yield row
                elif name not in hidden:
                    yield self.rendered_when_read_only.get(name, name)

        return [
            (title, {**options, "fields": list(shown(options["fields"]))})
            for title, options in fieldsets
        ]

    def get_list_display(self, request):
        # Every content type's status column shows the state as people should
        # see it (`state_label`), not the stored one a worker may not have
        # updated yet.
        return [
            "state_column" if name == "status" else name
            for name in super().get_list_display(request)
        ]

    @admin.display(description="status", ordering="status")
    def state_column(self, obj):
        return state_label(obj)

    def get_view_on_site_url(self, obj=None):
        # An item that is not public has no page on the site yet (or any more):
        # its admin preview, not a 404.
        if obj is not None and obj.pk is not None and not obj.is_public:
            return self._url("preview", obj)
        return super().get_view_on_site_url(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class WorkflowUserForm(form):
            workflow_user = request.user

            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.hidden_links = hidden_links(self)

        WorkflowUserForm.__name__ = form.__name__
        return WorkflowUserForm

    def links_shown(self, obj, name: str) -> str:
        """A link field on a read-only page: the items the person who opened it
        may pick (`choosable`), and only a count of the others."""
        field = obj._meta.get_field(name)
        model = field.related_model
        if field.many_to_many:
            linked = getattr(obj, name).all()
        else:
            linked = model._default_manager.filter(pk=getattr(obj, field.attname))
        viewer = getattr(obj, "viewer", None)  # set by get_object
        shown = []
        if viewer is not None:
            shown = list(linked.filter(pk__in=choosable(viewer, model).values("pk")))
        parts = [str(item) for item in shown]
        if unseen := linked.count() - len(shown):
            noun = (
                model._meta.verbose_name
                if unseen == 1
                else model._meta.verbose_name_plural
            )
            parts.append(f"{unseen} {noun} you cannot see")
        return ", ".join(parts) or "—"

    # --- Saving --------------------------------------------------------------

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        keep_hidden_links(form, obj)
        return obj

    def changelist_view(self, request, extra_context=None):
        can_review = services.may(request.user, "review", self.model)
        return super().changelist_view(
            request, {**(extra_context or {}), "can_review": can_review}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None and self.has_view_permission(request, obj):
            context["workflow"] = self.workflow_context(request, obj)
            if services.can_edit(request.user, obj):
                context["checklist_url"] = self._url("checklist", obj)
        return super().change_view(request, object_id, form_url, context)

    def add_view(self, request, form_url="", extra_context=None):
        context = dict(extra_context or {})
        if self.has_add_permission(request):
            context["checklist_url"] = reverse(f"admin:{self._name('checklist_new')}")
        return super().add_view(request, form_url, context)

    def workflow_context(self, request, obj) -> dict:
        tz = timezone.get_current_timezone_name()
        ct_kwargs = {
            "content_type__model": obj._meta.model_name,
            "content_type__app_label": obj._meta.app_label,
            "object_id": obj.pk,
        }
        links = ShareLink.objects.filter(
            **ct_kwargs, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        state, when = state_words(obj)
        return {
            "state": state,
            "when": when,
            "status": obj.shown_status,
            # Live at its minute; the worker has yet to record it as published.
            "unrecorded": obj.shown_status != obj.status,
            "actions": services.available_actions(request.user, obj),
            "trail": Transition.objects.filter(**ct_kwargs).select_related("by")[:30],
            "revisions": Revision.objects.filter(**ct_kwargs).select_related(
                "created_by"
            )[:10],
            "time_zone": tz,
            "share_links": [(link, share_url(request, link)) for link in links]
            if services.may(request.user, "share", obj)
            else None,
            "can_share": services.may(request.user, "share", obj),
            "can_edit": services.can_edit(request.user, obj),
            "can_view": services.can_view(request.user, obj),
            "url": lambda name, *args: self._url(name, obj, *args),
        }

    # --- URLs ----------------------------------------------------------------

    def _name(self, view):
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    def _url(self, view, obj, *args):
        return reverse(f"admin:{self._name(view)}", args=[obj.pk, *args])

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("review-queue/", wrap(self.review_queue_view),
                 name=self._name("review_queue")),
            path("calendar/", wrap(self.calendar_view), name=self._name("calendar")),
            path("<int:pk>/workflow/<str:action>/", wrap(self.transition_view),
                 name=self._name("transition")),
            path("<int:pk>/revisions/", wrap(self.revisions_view),
                 name=self._name("revisions")),
            path("<int:pk>/revisions/diff/", wrap(self.diff_view),
                 name=self._name("diff")),
            path("<int:pk>/revisions/<int:number>/preview/",
                 wrap(self.preview_view), name=self._name("revision_preview")),
            path("<int:pk>/revisions/<int:number>/restore/",
                 wrap(self.restore_view), name=self._name("restore")),
            path("<int:pk>/preview/", wrap(self.preview_view),
                 name=self._name("preview")),
            path("<int:pk>/share/", wrap(self.share_view), name=self._name("share")),
            path("add/checklist/", wrap(self.checklist_view),
                 name=self._name("checklist_new")),
            path("<int:pk>/checklist/", wrap(self.checklist_view),
                 name=self._name("checklist")),
            path("<int:pk>/share/<int:link_id>/revoke/", wrap(self.revoke_view),
                 name=self._name("revoke")),
            *super().get_urls(),
        ]  # fmt: skip

    def _item(self, request, pk, action="edit"):
        """The item, if this user may `action` it: 404 if missing or hidden from
        them (the same answer, so ids cannot be probed), 403 if they may see it
        but not do this."""
        item = get_object_or_404(services.visible_to(request.user, self.model), pk=pk)
        services.check_allowed(request.user, action, item)
        return item

    def _back(self, item):
        return HttpResponseRedirect(self._url("change", item))

    # --- Transitions ---------------------------------------------------------

    def transition_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in RULES:
            raise Http404("No such action.")
        item = get_object_or_404(self.model._default_manager, pk=pk)
        try:
            at = None
            if RULES[action].needs_time:
                at = parse_local_time(request.POST.get("at", ""))
            step = services.transition(
                item, action, by=request.user,
                comment=request.POST.get("comment", ""), at=at,
                version=services.parse_version(request.POST.get("_version")),
            )  # fmt: skip
        except services.WorkflowPermissionDenied as refused:
            return self._refused(request, item, refused)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return self._back(item)
        level = messages.WARNING if step.mail_failed else messages.SUCCESS
        self.message_user(request, services.done_message(item, step), level)
        return self._back(item)

    def _refused(self, request, item, refused):
        """A 403 that says why and what to do instead (`wording.not_allowed`)
        to whoever may see the item; anyone else learns nothing of it, not
        even its headline."""
        if not services.can_view(request.user, item):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "workflow/admin/refused.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": item,
                "title": "Not done",
                "message": refused.args[0] if refused.args else "",
                "back": self._url("change", item),
            },
            status=403,
        )

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, told, failed = [], {}, False
        for item in queryset:
            try:
                step = services.transition(item, "publish", by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            published.append(item)
            failed = failed or step.mail_failed
            told.update((u.pk, u) for u in services.audience(item, step)[1])
        if published:
            self.message_user(
                request,
                wording.published_many(
                    published, recipients=list(told.values()), failed=failed
                ),
                messages.WARNING if failed else messages.SUCCESS,
            )

    # --- Revisions -----------------------------------------------------------

    def revisions_view(self, request, pk):
        # Whoever may see the item may read its history; restoring is an edit.
        item = self._item(request, pk, "view")
        revisions = Revision.for_item(item).select_related("created_by")
        return TemplateResponse(
            request,
            "workflow/admin/revisions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": item,
                "title": f"History of “{item}”",
                "revisions": revisions,
                "trail": Transition.for_item(item).select_related("by"),
                "can_restore": services.can_edit(request.user, item),
                "url": lambda name, *args: self._url(name, item, *args),
            },
        )

    def diff_view(self, request, pk):
        item = self._item(request, pk, "view")
        revisions = Revision.for_item(item)
        try:
            a = revisions.get(number=int(request.GET.get("a", "")))
            b = revisions.get(number=int(request.GET.get("b", "")))
        except (ValueError, Revision.DoesNotExist):
            self.message_user(request, "Pick two revisions to compare.", messages.ERROR)
            return HttpResponseRedirect(self._url("revisions", item))
        labels = {f.name: str(f.verbose_name).capitalize() for f in item._meta.fields}
        return TemplateResponse(
            request,
            "workflow/admin/diff.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": item,
                "title": f"Revision {a.number} → {b.number} of “{item}”",
                "a": a,
                "b": b,
                "rows": diff.compare(a.data, b.data, labels),
                "url": lambda name, *args: self._url(name, item, *args),
            },
        )

    def restore_view(self, request, pk, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = self._item(request, pk)
        revision = get_object_or_404(Revision.for_item(item), number=number)
        try:
            new = services.restore_revision(
                item,
                revision,
                by=request.user,
                version=services.parse_version(request.POST.get("_version")),
            )
        except services.StaleVersion as stale:
            self.message_user(request, stale.messages[0], messages.ERROR)
            return HttpResponseRedirect(self._url("revisions", item))
        except ValidationError as refused:  # the publish check: NotPublishable
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(self._url("revisions", item))
        self.message_user(
            request,
            f"Restored: “{item}” reads as it did in revision {number}, saved as "
            f"revision {new.number}. Nothing was lost: every earlier revision is "
            "still in the history.",
            messages.SUCCESS,
        )
        return self._back(item)

    # --- Previews and share links --------------------------------------------

    @no_cache
    def preview_view(self, request, pk, number=None):
        item = self._item(request, pk, "view")
        where = "on the public site" if item.is_public else "not on the public site"
        data, banner = None, f"{state_label(item)}: {where}."
        if number is not None:
            data = get_object_or_404(Revision.for_item(item), number=number).data
            banner = f"Revision {number} of “{item}”: not on the public site."
        return registry.render_preview(request, item, revision_data=data, banner=banner)

    def share_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = self._item(request, pk, "share")
        link = services.create_share_link(item, by=request.user)
        self.message_user(
            request,
            format_html(
                "Preview link made: anyone with it can read “{}” as it stands, "
                'until {}. Send it to your outside reader: <a href="{url}">{url}</a>',
                item,
                wording.when(link.expires_at),
                url=share_url(request, link),
            ),
            messages.SUCCESS,
        )
        return self._back(item)

    def revoke_view(self, request, pk, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = self._item(request, pk, "share")
        link = get_object_or_404(ShareLink.for_item(item), pk=link_id)
        services.revoke_share_link(link, by=request.user)
        self.message_user(
            request,
            f"Preview link ended: no one can open “{item}” with it any more.",
            messages.SUCCESS,
        )
        return self._back(item)

    # --- The pre-publish checklist --------------------------------------------

    def checklist_view(self, request, pk=None):
        """The item's pre-publish checklist as its open form has it (the
        form's current POST, unsaved), as JSON: the content type's own rule
        (`services.checklist`), the one publishing applies. Nothing is
        written: no row, revision, draft or lock. For whoever may edit the
        item (or add one); a missing or hidden item is a 404."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = None
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            obj = self._item(request, pk, "edit")
        item, pending = self.unsaved_item(request, obj)
        checks = services.checklist(item, pending=pending)
        left = sum(not check.passed for check in checks)
        if left:
            summary = f"{left} of {len(checks)} checks to fix before this can go live."
        else:
            summary = "Ready to go live: every check passes."
        return JsonResponse(
            {
                "items": [check.as_json() for check in checks],
                "left": left,
                "summary": summary,
            }
        )

    def unsaved_item(self, request, obj=None):
        """`obj` (None: a new item) as the form posted in `request` would make
        it, in memory, and what the form holds for its other rows: the
        inlines' rows and the many-to-many values (`registry.Pending`). A
        field the form refuses keeps what was typed when it is text, and is
        emptied when it is a choice, so the checklist judges what the writer
        sees. Nothing is saved."""
        change = obj is not None
        item = obj if change else self.model()
        form = self.get_form(request, obj, change=change)(request.POST, instance=item)
        form.is_valid()  # fills `item` from the valid fields
        for name in form.errors:
            if name not in form.fields:
                continue
            try:
                field = item._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete or field.many_to_many:
                continue
            raw = form[name].value()
            if field.is_relation:
                setattr(item, field.attname, None)
            elif isinstance(raw, str):
                setattr(item, field.attname, raw)
        pending: dict[str, list] = {}
        for name, field in form.fields.items():
            if name in getattr(form, "cleaned_data", {}) and isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                pending[name] = list(form.cleaned_data[name])
        prefixes: dict[str, int] = {}
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1:
                prefix = f"{prefix}-{prefixes[prefix]}"
            formset = formset_class(
                request.POST,
                instance=item,
                prefix=prefix,
                queryset=inline.get_queryset(request),
            )
            if not formset.is_bound or not formset.management_form.is_valid():
                continue
            formset.is_valid()
            rows = []
            for row in formset.forms:
                cleaned = getattr(row, "cleaned_data", None)
                if row.errors or not cleaned or cleaned.get("DELETE"):
                    continue
                if row not in formset.initial_forms and not row.has_changed():
                    continue
                rows.append(row.instance)
            pending[prefix] = rows
        return item, pending

    # --- Review queue and calendar -------------------------------------------

    def review_queue_view(self, request):
        if not services.may(request.user, "review", self.model):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "workflow/admin/review_queue.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Review queue",
                # The desk's queue (workflow.desk), for this content type only.
                "rows": desk.review_queue(request.user, [self.model]),
            },
        )

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            start = dt.date.fromisoformat(request.GET.get("week", ""))
            # The page reads a day past its week and links the weeks either
            # side: a week at the very ends of the calendar has none of them.
            if not dt.date.min + WEEKS_AROUND <= start <= dt.date.max - WEEKS_AROUND:
                raise ValueError(start)
        except ValueError:
            start = today
        start -= dt.timedelta(days=start.weekday())  # Monday
        days = [start + dt.timedelta(days=n) for n in range(7)]
        tz = timezone.get_current_timezone()
        begin = dt.datetime.combine(days[0], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(
            days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz
        )
        items = (
            services.visible_to(request.user, self.model)
            .filter(
                status__in=[State.SCHEDULED, State.PUBLISHED],
                published_at__gte=begin,
                published_at__lt=end,
            )
            .order_by("published_at")
        )
        by_day = {day: [] for day in days}
        for item in items:
            by_day[timezone.localdate(item.published_at)].append(item)
        # What the apps above add (desk.add_calendar_source): launches, say.
        entries = {day: [] for day in days}
        for entry in desk.calendar_entries(request, self.model, begin, end):
            entries.setdefault(timezone.localdate(entry.when), []).append(entry)
        return TemplateResponse(
            request,
            "workflow/admin/calendar.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Calendar: week of {start:%B %-d, %Y}",
                # (day, items, entries) for each day of the week.
                "days": [(day, items, entries[day]) for day, items in by_day.items()],
                "today": today,
                "previous": days[0] - dt.timedelta(days=7),
                "next": days[0] + dt.timedelta(days=7),
                "time_zone": timezone.get_current_timezone_name(),
            },
        )


class ActionFilter(admin.SimpleListFilter):
    """The steps by name ("Request changes"), not by their stored codename."""

    title = "step"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action, wording.action_label(action)) for action in [*RULES, "hold"]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """All recent workflow activity, read-only."""

    list_display = ["at", "item_link", "what", "from_state", "to_state", "by",
                    "comment"]  # fmt: skip
    list_filter = [ActionFilter, "to_state", "content_type", "by", "at"]
    search_fields = ["comment", "by__username"]
    date_hierarchy = "at"
    list_select_related = ["by", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Step", ordering="action")
    def what(self, obj):
        return wording.action_label(obj.action)

    @admin.display(description="Item")
    def item_link(self, obj):
        url = reverse(
            f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change",
            args=[obj.object_id],
        )
        return format_html(
            '<a href="{}">{} #{}</a>', url, obj.content_type.name, obj.object_id
        )
