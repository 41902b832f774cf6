"""The newsroom's roles, as Django groups: a user's role is their group.

Writers draft and submit; editors review, schedule, publish and manage
everything. Each app grants the roles its own models' permissions: its
`roles.py` holds `GRANTS`, and a migration of its own applies them
(`granting(GRANTS)`), so no app names another's models. `sync_roles()` gives
each group exactly what every installed app grants it: `load_demo` and tests
call it. The workflow's own models are granted below.
"""

from importlib import import_module

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.utils.module_loading import module_has_submodule

WRITERS = "Writers"
EDITORS = "Editors"
ROLES = (WRITERS, EDITORS)

# role -> (app label, model) -> actions; "*" means every permission of the model.
Grants = dict[str, dict[tuple[str, str], list[str]]]

# Editors read and manage the audit trail, revisions and share links.
GRANTS: Grants = {
    EDITORS: {
        ("workflow", model): ["*"] for model in ("transition", "revision", "sharelink")
    },
}


def every_grant() -> Grants:
    """What every installed app grants, from each app's `roles.GRANTS`."""
    merged: Grants = {role: {} for role in ROLES}
    for config in global_apps.get_app_configs():
        if module_has_submodule(config.module, "roles"):
            grants = getattr(import_module(f"{config.name}.roles"), "GRANTS", {})
            for role, role_grants in grants.items():
                merged[role].update(role_grants)
    return merged


def _permissions(apps, grants: dict[tuple[str, str], list[str]]) -> list:
    Permission = apps.get_model("auth", "Permission")
    wanted = []
    for (app_label, model), actions in grants.items():
        perms = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
        if actions != ["*"]:
            perms = perms.filter(codename__in=[f"{a}_{model}" for a in actions])
        wanted.extend(perms)
    return wanted


def sync_roles(apps=global_apps) -> None:
    """Create the groups and give each exactly its role's permissions."""
    Group = apps.get_model("auth", "Group")
    for role, grants in every_grant().items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(apps, grants))


def granting(grants: Grants):
    """For an app's RunPython: give each role exactly `grants` on the models
    they name, leaving its permissions on other models alone."""

    def grant(apps, schema_editor) -> None:
        # Permissions are normally created after all migrations (post_migrate).
        labels = {label for role_grants in grants.values() for label, _ in role_grants}
        for label in labels:
            app_config = apps.get_app_config(label)
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for role, role_grants in grants.items():
            group, _ = Group.objects.get_or_create(name=role)
            for app_label, model in role_grants:
                group.permissions.remove(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, content_type__model=model
                    )
                )
            group.permissions.add(*_permissions(apps, role_grants))

    return grant
