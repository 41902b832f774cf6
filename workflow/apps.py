from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Drafts, review, scheduling, publishing and the audit trail, for any
    content type that registers itself (workflow.registry). It imports no
    content app."""

    name = "workflow"
    verbose_name = "Workflow"
    default_auto_field = "django.db.models.BigAutoField"
