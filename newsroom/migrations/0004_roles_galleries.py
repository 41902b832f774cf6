"""Once gave the roles their permissions. Each app now grants its own models'
permissions in its own migrations (workflow.roles); this one stays, empty, so
that databases which applied it keep a consistent history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0003_roles_credit_presets")]

    operations = []
