"""The credit lines the newsroom uses most, as agencies ask to be credited.
Editors can change them in the admin; this runs once and never overwrites."""

from django.db import migrations

PRESETS = [
    "NASA",
    "NASA/JPL-Caltech",
    "NASA/JPL-Caltech/MSSS",
    "NASA/JPL-Caltech/University of Arizona",
    "ESA",
    "SpaceX",
    "Staff",
]


def add_presets(apps, schema_editor):
    CreditPreset = apps.get_model("media_library", "CreditPreset")
    for position, name in enumerate(PRESETS):
        CreditPreset.objects.get_or_create(name=name, defaults={"position": position})


def remove_presets(apps, schema_editor):
    apps.get_model("media_library", "CreditPreset").objects.filter(
        name__in=PRESETS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("media_library", "0002_renditions_credit_presets_focal_point_licence_expiry"),
    ]

    operations = [migrations.RunPython(add_presets, remove_presets)]
