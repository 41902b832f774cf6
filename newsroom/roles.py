"""The newsroom's roles, as Django groups: a user's role is their group.

Writers draft and submit; editors review, schedule, publish and manage
everything. The workflow's custom permissions (review, publish, schedule,
unpublish, archive, share, edit_others) go to editors only. `sync_roles` is
idempotent: the data migration runs it, and so does `load_demo`.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

WRITERS = "Writers"
EDITORS = "Editors"

# (app label, model) -> actions; "*" means every permission of the model.
ROLES: dict[str, dict[tuple[str, str], list[str]]] = {
    WRITERS: {
        ("articles", "article"): ["add", "change", "view"],
        ("articles", "byline"): ["add", "change", "delete", "view"],
        ("articles", "correction"): ["view"],
        ("articles", "section"): ["view"],
        ("authors", "author"): ["view"],
        ("media_library", "image"): ["add", "change", "view"],
        ("media_library", "creditpreset"): ["view"],
        ("media_library", "gallery"): ["add", "change", "view"],
        ("media_library", "galleryitem"): ["add", "change", "delete", "view"],
        ("taggit", "tag"): ["add", "view"],
    },
    EDITORS: {
        (app, model): ["*"]
        for app, model in [
            ("articles", "article"),
            ("articles", "byline"),
            ("articles", "correction"),
            ("articles", "section"),
            ("authors", "author"),
            ("authors", "book"),
            ("media_library", "image"),
            ("media_library", "creditpreset"),
            ("media_library", "gallery"),
            ("media_library", "galleryitem"),
            ("taggit", "tag"),
            ("taggit", "taggeditem"),
            ("newsroom", "transition"),
            ("newsroom", "revision"),
            ("newsroom", "sharelink"),
        ]
    },
}


def sync_roles(apps=global_apps) -> None:
    """Create the groups and give each exactly its role's permissions."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for (app_label, model), actions in grants.items():
            perms = Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model
            )
            if actions != ["*"]:
                perms = perms.filter(codename__in=[f"{a}_{model}" for a in actions])
            wanted.extend(perms)
        group.permissions.set(wanted)


def sync_roles_migration(apps, schema_editor) -> None:
    """For RunPython: permissions are normally created after all migrations run
    (post_migrate), so create them first for the apps the roles cover."""
    labels = {app_label for grants in ROLES.values() for app_label, _ in grants}
    for label in labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)
