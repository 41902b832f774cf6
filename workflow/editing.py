"""Edit forms that never lose what someone typed, for any admin.

`VersionedAdminMixin` gives a ModelAdmin of a `Versioned` model:

- every save made through the edit service (`services.edit`), which checks
  who may change what, claims the version, writes the item with its inlines
  and records the revision and the history entry, in one transaction; the
  mixin only turns the service's refusals into pages;
- the version the form was loaded from, posted back and claimed in one UPDATE
  when the edit is written (`services.claim_version`); a stale save is refused
  and the person's whole submission is kept as their unsaved draft and shown
  again beside what changed since they opened the form, field by field, with a
  choice of theirs or the current value for each;
- autosave of the text fields into that person's draft while they type, and an
  offer to restore or discard it when they come back;
- who else has the form open, refreshed while the page stays open;
- an edit of a live or scheduled item that the publish check refuses (a
  picture without alt text added to a published story, say): written, checked
  as saved (`services.edit`), rolled back, and the same form shown
  again with the problems as its errors and the person's text as they sent it,
  also kept as their draft.

The browser side is static/workflow/admin/editing.js.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import (
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats, timezone
from taggit.forms import TagField

from . import diff, services, wording
from .models import Draft, Publishable, Revision

LOADED_SALT = "workflow.loaded"
KEEP_CURRENT = "current"


# --- What a form shows, as comparable values ---------------------------------


def _display(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [_display(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _field_value(form, name: str, field):
    if form.is_bound:
        cleaned = getattr(form, "cleaned_data", {})
        if name in cleaned:
            value = cleaned[name]
        else:  # a field with an error: what was typed
            value = field.widget.value_from_datadict(
                form.data, form.files, form.add_prefix(name)
            )
    else:
        value = form.get_initial_for_field(field, name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            pks = [v.pk if isinstance(v, models.Model) else v for v in value or []]
            value = list(field.queryset.filter(pk__in=pks)) if pks else []
        elif isinstance(field, forms.ModelChoiceField) and value not in (None, ""):
            if not isinstance(value, models.Model):
                value = field.queryset.filter(pk=value).first()
    shown = _display(value)
    if isinstance(field, forms.ModelMultipleChoiceField | TagField):
        shown = sorted(str(v) for v in (shown or []))
    return shown


def _compared_fields(form):
    return [
        (name, field)
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField)
        and not isinstance(field.widget, forms.HiddenInput)
    ]


def _rows(formset) -> list[dict]:
    rows = []
    initial = set(map(id, formset.initial_forms))
    for form in formset.forms if formset.is_bound else formset.initial_forms:
        if formset.is_bound:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or cleaned.get("DELETE"):
                continue
            if id(form) not in initial and not form.has_changed():
                continue
        skip = {
            "id",
            "DELETE",
            "ORDER",
            getattr(formset, "fk", None) and formset.fk.name,
        }
        rows.append(
            {
                name: _field_value(form, name, field)
                for name, field in _compared_fields(form)
                if name not in skip
            }
        )
    if rows and "position" in rows[0]:
        rows.sort(key=lambda row: _as_int(row.get("position")))
    return rows


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def snapshot(form, formsets) -> dict:
    """Field name (and inline prefix) -> what the form shows or was sent."""
    values = {name: _field_value(form, name, f) for name, f in _compared_fields(form)}
    for formset in formsets:
        values[formset.prefix] = _rows(formset)
    return values


def labels(form, formsets) -> dict[str, str]:
    found = {
        name: str(field.label or name.replace("_", " ")).capitalize()
        for name, field in form.fields.items()
    }
    for formset in formsets:
        found[formset.prefix] = str(
            formset.model._meta.verbose_name_plural
        ).capitalize()
    return found


def _readable(value) -> str:
    if isinstance(value, list):
        return "; ".join(
            ", ".join(str(v) for v in item.values() if v not in ("", None))
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return str(value)


@dataclass(frozen=True)
class ConflictRow:
    key: str
    label: str
    theirs: str  # what changed since the form was loaded (diff HTML), or ""
    yours: str  # the stored value against the refused submission (diff HTML)
    keep: str  # the default choice: "mine" or "current"
    both: bool  # both changed it: the person must look


def _comparable(value):
    """A value as compared: the story editor writes the same HTML as stored
    without the line breaks between blocks, which is no change."""
    if isinstance(value, str):
        return " ".join(re.sub(r">\s+<", "><", value).split())
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def same(a, b) -> bool:
    return _comparable(a) == _comparable(b)


def conflict_rows(base: dict | None, current: dict, mine: dict, names: dict):
    """One row per field where the refused submission differs from what is
    stored now. The default keeps the other person's change where only they
    touched a field, and the submission's elsewhere: saving without changing a
    choice keeps both people's work."""
    rows = []
    for key, value in mine.items():
        now = current.get(key)
        if same(value, now):
            continue
        theirs = base is not None and not same(base.get(key), now)
        yours = base is None or not same(base.get(key), value)
        rows.append(
            ConflictRow(
                key=key,
                label=names.get(key, key),
                theirs=diff.diff_html(_readable(base.get(key)), _readable(now))
                if theirs
                else "",
                yours=diff.diff_html(_readable(now), _readable(value)),
                keep=KEEP_CURRENT if theirs and not yours else "mine",
                both=theirs and yours,
            )
        )
    return rows


def sign_loaded(values: dict) -> str:
    return signing.dumps(values, salt=LOADED_SALT, compress=True)


def read_loaded(signed: str | None) -> dict | None:
    if not signed:
        return None
    try:
        return signing.loads(signed, salt=LOADED_SALT)
    except signing.BadSignature:
        return None


def submitted(request) -> dict:
    """A POST as sent, every field and inline, for keeping."""
    return {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "_loaded")
    }


# --- The admin ----------------------------------------------------------------


class PlainSaveMessagesMixin:
    """An admin whose save and delete messages are the newsroom's
    (`wording.saved`: "Draft saved: “…”.", "Saved “…”.") instead of Django's
    ("The story “…” was changed successfully."): each response_* below names
    the message, and `message_user` shows it in place of Django's success one."""

    def response_add(self, request, obj, post_url_continue=None):
        request.saved_words = wording.saved(obj, new=True, then=_then(request))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request.saved_words = wording.saved(obj, new=False, then=_then(request))
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request.saved_words = wording.deleted(obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        words = getattr(request, "saved_words", None)
        if words and level == messages.SUCCESS:
            message, request.saved_words = words, None
        return super().message_user(request, message, level, *args, **kwargs)


class VersionedAdminMixin(PlainSaveMessagesMixin):
    change_form_template = "workflow/admin/versioned_change_form.html"
    # The text fields autosaved while someone types (headline, captions...).
    autosave_fields: tuple[str, ...] = ()

    # --- The form ---------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        restore = getattr(request, "restore_draft", None)
        refused = getattr(request, "publish_refusal", None)

        class VersionCheckedForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if restore and not self.is_bound:
                    self.initial.update(
                        {k: v for k, v in restore.items() if k in self.fields}
                    )

            def clean(self):
                cleaned = super().clean()
                if self.is_bound and self.instance.pk is not None:
                    services.check_version(
                        self.instance,
                        expected=services.parse_version(self.data.get("_version")),
                    )
                    if refused is not None:  # this very submission, rolled back
                        raise refused
                return cleaned

        VersionCheckedForm.__name__ = form.__name__
        return VersionCheckedForm

    def _unbound(self, request, obj):
        """The form and inline formsets an unchanged page of `obj` would show."""
        restore, request.restore_draft = getattr(request, "restore_draft", None), None
        try:
            form = self.get_form(request, obj, change=True)(instance=obj)
            formsets, prefixes = [], {}
            for formset_class, inline in self.get_formsets_with_inlines(request, obj):
                prefix = formset_class.get_default_prefix()
                prefixes[prefix] = prefixes.get(prefix, 0) + 1
                if prefixes[prefix] != 1:
                    prefix = f"{prefix}-{prefixes[prefix]}"
                formsets.append(
                    formset_class(
                        instance=obj,
                        prefix=prefix,
                        queryset=inline.get_queryset(request),
                    )
                )
        finally:
            request.restore_draft = restore
        return form, formsets

    # --- Saving -------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleVersion:
            # Two saves raced past the form's check; this one lost the UPDATE and
            # everything it wrote is rolled back. Shown again, the form's check
            # now refuses it the usual way, and its text is kept.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.NotPublishable as refused:
            # The edit of a live item was written and checked as saved (its
            # inlines too), then refused, and everything it wrote is rolled
            # back. Shown again with the problems as the form's errors, it keeps
            # the person's text, in the form and as their draft.
            request.publish_refusal = refused
            self._keep_refused(request, object_id)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _keep_refused(self, request, object_id) -> None:
        pk = _pk(object_id)
        if pk is None or not self.model._default_manager.filter(pk=pk).exists():
            return
        services.keep_draft(
            self.model,
            user=request.user,
            object_id=pk,
            data={
                name: request.POST[name]
                for name in self.autosave_fields
                if name in request.POST
            },
            base_version=services.parse_version(request.POST.get("_version")),
            loaded=request.POST.get("_loaded", "")
            if read_loaded(request.POST.get("_loaded")) is not None
            else "",
        )

    def _keep_current(self, request, form) -> set[str]:
        allowed = set(form.fields) | {
            fs.get_default_prefix() for fs, _ in self.get_formsets_with_inlines(request)
        }
        return {
            key for key in allowed if request.POST.get(f"_merge-{key}") == KEEP_CURRENT
        }

    def get_readonly_fields(self, request, obj=None):
        # What this person may not change (a story's "featured" for a writer)
        # is left out of the form; the edit service refuses it anyway.
        fields = super().get_readonly_fields(request, obj)
        guarded = services.guarded_fields(request.user, self.model)
        return [*fields, *(name for name in guarded if name not in fields)]

    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_related`, which Django calls next, writes the
        item with its many-to-many fields and inlines, through the edit
        service (`services.edit`), which checks and records the whole edit."""

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        save_model, save_related = super().save_model, super().save_related

        def write():
            if change:
                self._merge(request, obj, form)
            save_model(request, obj, form, change)
            save_related(request, form, formsets, change)
            self.before_revision(request, obj, change)
            return self.construct_change_message(request, form, formsets, not change)

        services.edit(
            obj,
            by=request.user,
            base_version=services.parse_version(request.POST.get("_version"))
            if change
            else None,
            write=write,
            draft_key="" if change else request.POST.get("_key", ""),
        )
        request.edit_logged = obj  # the service wrote the history entry

    def _merge(self, request, obj, form) -> None:
        """Where the person chose the stored value over theirs (the conflict
        page's choices), put it back before the edit is written."""
        keep = self._keep_current(request, form)
        if keep:
            stored = type(obj)._base_manager.get(pk=obj.pk)
            for field in obj._meta.concrete_fields:
                if field.name in keep:
                    setattr(obj, field.attname, getattr(stored, field.attname))
            for name in keep:
                form.cleaned_data.pop(name, None)  # many-to-many: left alone
        request.keep_current = keep

    def save_formset(self, request, form, formset, change):
        if formset.prefix in getattr(request, "keep_current", ()):
            return  # the person chose the stored rows over theirs
        super().save_formset(request, form, formset, change)

    def before_revision(self, request, obj, change):
        """Last changes to a saved item before its revision is stored."""

    def log_addition(self, request, obj, message):
        if getattr(request, "edit_logged", None) is obj:
            return None
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if getattr(request, "edit_logged", None) is obj:
            return None
        return super().log_change(request, obj, message)

    # --- The page -----------------------------------------------------------------

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        form = context["adminform"].form
        formsets = [admin_formset.formset for admin_formset in context.get(
            "inline_admin_formsets", [])]  # fmt: skip
        editing = {"fields": " ".join(self.autosave_fields)}
        if change and obj is not None and obj.pk:
            editing.update(self._change_page(request, form, formsets, obj))
        elif add:
            editing.update(self._add_page(request))
        context["editing"] = editing
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _urls(self, obj=None) -> dict:
        meta = self.model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        if obj is None:
            return {
                "autosave_url": reverse(f"{name}_autosave_new"),
                "discard_url": reverse(f"{name}_discard_new"),
            }
        return {
            "autosave_url": reverse(f"{name}_autosave", args=[obj.pk]),
            "discard_url": reverse(f"{name}_discard", args=[obj.pk]),
            "presence_url": reverse(f"{name}_presence", args=[obj.pk]),
        }

    def _change_page(self, request, form, formsets, obj) -> dict:
        if not self.has_change_permission(request, obj):
            return {}
        page = {
            **self._urls(obj),
            "storage_key": f"{obj._meta.label_lower}:{obj.pk}",
        }
        stale = form.is_bound and any(
            error.code == "stale" for error in form.non_field_errors().as_data()
        )
        if stale:
            page.update(self._conflict(request, form, formsets, obj))
        elif form.is_bound:
            page["version"] = request.POST.get("_version", "")
            page["loaded"] = request.POST.get("_loaded", "")
        else:
            stored_form, stored_formsets = self._unbound(request, obj)
            page["version"] = obj.version
            page["loaded"] = sign_loaded(snapshot(stored_form, stored_formsets))
            page["restored"] = getattr(request, "restore_draft", None) is not None
            page["dirty"] = page["restored"]
            draft = getattr(request, "restored_from", None)
            if draft is not None and draft.base_version not in (None, obj.version):
                # Text typed on an older version: saving it goes through the
                # same merge as any save made from that version.
                page["version"] = draft.base_version
                page["loaded"] = draft.loaded
            if not page["restored"]:
                page["offer"] = self._offer(request, stored_form, obj=obj)
            page["others"] = [
                _presence(lock)
                for lock in services.open_for_editing(obj, user=request.user)
            ]
        return page

    def _conflict(self, request, form, formsets, obj) -> dict:
        stored = type(obj)._base_manager.get(pk=obj.pk)
        stored_form, stored_formsets = self._unbound(request, stored)
        current = snapshot(stored_form, stored_formsets)
        mine = snapshot(form, formsets)
        posted = services.parse_version(request.POST.get("_version"))
        services.keep_draft(
            self.model,
            user=request.user,
            object_id=obj.pk,
            kind=Draft.Kind.CONFLICT,
            data=mine,
            submitted=submitted(request),
            base_version=posted,
            loaded=request.POST.get("_loaded", ""),
        )
        if isinstance(stored, Publishable):
            services.save_revision(
                stored,
                by=request.user,
                kind=Revision.Kind.CONFLICT,
                data=mine,
                note=f"Refused: based on version {posted or '?'}, "
                f"version {stored.version} was newer.",
            )
        rows = conflict_rows(
            read_loaded(request.POST.get("_loaded")),
            current,
            mine,
            labels(form, formsets),
        )
        return {
            "version": stored.version,
            "loaded": sign_loaded(current),
            "in_conflict": True,
            "conflict": rows,
            "conflict_by": services.changed_by(stored, stored.version),
            "dirty": True,
        }

    def _offer(self, request, stored_form, *, obj=None, key: str = ""):
        """The person's autosaved draft, if it differs from what is stored."""
        draft = services.draft_of(
            self.model,
            user=request.user,
            object_id=obj.pk if obj else None,
            key=key,
        )
        if draft is None:
            return None
        names = labels(stored_form, [])
        rows = []
        for name in self.autosave_fields:
            if name not in draft.data or name not in stored_form.fields:
                continue
            now = _field_value(stored_form, name, stored_form.fields[name])
            if not same(str(draft.data[name]), str(now)):
                rows.append((names[name], diff.diff_html(now, draft.data[name])))
        if not rows and draft.kind != Draft.Kind.CONFLICT:
            return None
        stale = obj is not None and draft.base_version not in (None, obj.version)
        return {"draft": draft, "rows": rows, "stale": stale}

    def _add_page(self, request) -> dict:
        if not self.has_add_permission(request):
            return {}
        restore = getattr(request, "restore_draft", None)
        key = request.POST.get("_key") or request.GET.get("draft") or ""
        if not (key and len(key) <= 40 and key.isalnum()):
            key = uuid.uuid4().hex
        offers = []
        if restore is None and request.method == "GET":
            offers = [
                {"draft": draft, "title": _title(draft.data, self.autosave_fields)}
                for draft in services.new_item_drafts(self.model, user=request.user)[:5]
            ]
        return {
            **self._urls(),
            "key": key,
            "storage_key": f"{self.model._meta.label_lower}:new:{key}",
            "new_offers": offers,
            "restored": restore is not None,
            "dirty": restore is not None,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and request.GET.get("restore") == "draft":
            draft = services.draft_of(
                self.model, user=request.user, object_id=_pk(object_id)
            )
            if draft is not None:
                request.restore_draft = self._restorable(draft)
                request.restored_from = draft
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        key = request.GET.get("draft", "")
        if request.method == "GET" and key:
            draft = services.draft_of(self.model, user=request.user, key=key)
            if draft is not None:
                request.restore_draft = self._restorable(draft)
        return super().add_view(request, form_url, extra_context)

    def _restorable(self, draft: Draft) -> dict:
        """The text fields of a draft, as typed. (A refused submission also
        holds choices such as the section, by name, for reading only.)"""
        return {k: v for k, v in draft.data.items() if k in self.autosave_fields}

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("draft", None)
        restore = getattr(request, "restore_draft", None)
        return {**initial, **restore} if restore else initial

    # --- Autosave, discard, presence -------------------------------------------------

    def get_urls(self):
        meta = self.model._meta
        name = f"{meta.app_label}_{meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("autosave/", wrap(self.autosave_view), name=f"{name}_autosave_new"),
            path("discard/", wrap(self.discard_view), name=f"{name}_discard_new"),
            path("<int:pk>/autosave/", wrap(self.autosave_view),
                 name=f"{name}_autosave"),
            path("<int:pk>/discard/", wrap(self.discard_view), name=f"{name}_discard"),
            path("<int:pk>/presence/", wrap(self.presence_view),
                 name=f"{name}_presence"),
            *super().get_urls(),
        ]  # fmt: skip

    def _editable(self, request, pk):
        """The item this user may edit (404 if missing, 403 if not), or None for
        a new one if they may add."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        obj = get_object_or_404(self.model._default_manager, pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def autosave_view(self, request, pk=None):
        """Keep the text fields as the person's own draft: not a version, not
        public, no purge, no mail, no audit row."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, pk)
        key = request.POST.get("_key", "")
        if obj is None and not (key and len(key) <= 40 and key.isalnum()):
            return JsonResponse(
                {"error": "A new item needs its form's key."}, status=400
            )
        data = {
            name: request.POST[name]
            for name in self.autosave_fields
            if name in request.POST
        }
        version = services.parse_version(request.POST.get("_version"))
        loaded = request.POST.get("_loaded", "")
        draft = services.keep_draft(
            self.model,
            user=request.user,
            object_id=obj.pk if obj else None,
            key="" if obj else key,
            data=data,
            base_version=version,
            loaded=loaded if read_loaded(loaded) is not None else "",
        )
        answer = {
            "saved_at": draft.saved_at.isoformat(),
            "saved_at_display": formats.time_format(
                timezone.localtime(draft.saved_at), "H:i:s"
            ),
            "stale": False,
        }
        if obj is not None and version != obj.version:
            answer["stale"] = True
            answer["message"] = (
                f"“{obj}” was changed {services.changed_by(obj, obj.version)} after "
                "you opened it. Your text is kept as your draft; when you save, you "
                "will see both versions and choose field by field."
            )
        return JsonResponse(answer)

    def discard_view(self, request, pk=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, pk)
        meta = self.model._meta
        if obj is not None:
            services.discard_draft(obj, user=request.user)
            to = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])
        else:
            key = request.POST.get("_discard_key", "")
            services.discard_draft(user=request.user, model=self.model, key=key)
            to = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        self.message_user(
            request,
            "Unsaved draft thrown away: the form shows the last saved version.",
        )
        return HttpResponseRedirect(to)

    def presence_view(self, request, pk):
        """The open form says it is still open (or, with leave=1, that it was
        closed); answers who else has it open now."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, pk)
        if request.POST.get("leave"):
            services.release_lock(obj, user=request.user)
            return JsonResponse({"others": []})
        others = services.open_for_editing(obj, user=request.user)
        return JsonResponse({"others": [_presence(lock) for lock in others]})


def _then(request) -> str:
    """What the admin's save button pressed asks for next."""
    if "_continue" in request.POST or "_saveasnew" in request.POST:
        return "keep"
    if "_addanother" in request.POST:
        return "another"
    return ""


def _presence(lock) -> str:
    who = lock.user.get_full_name() or lock.user.username
    since = formats.time_format(timezone.localtime(lock.opened_at), "H:i")
    return f"{who} (since {since})"


def _title(data: dict, fields) -> str:
    for name in fields:
        if str(data.get(name, "")).strip():
            return diff.strip_tags(str(data[name]))[:80]
    return "untitled"


def _pk(object_id):
    try:
        return int(unquote(object_id))
    except (TypeError, ValueError):
        return None
