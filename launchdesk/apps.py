from django.apps import AppConfig


class LaunchDeskConfig(AppConfig):
    name = "launchdesk"
    label = "launchdesk"
    verbose_name = "Launch desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from space.signals import launch_moved, launch_outcome
        from workflow import desk as workflow_desk

        from . import bundles, desk

        workflow_desk.add_desk_panel("launchdesk", desk.desk_panel)
        workflow_desk.add_calendar_source("launchdesk", desk.calendar_source)

        launch_moved.connect(
            bundles.on_launch_moved, dispatch_uid="launchdesk.launch_moved"
        )
        launch_outcome.connect(
            bundles.on_launch_outcome, dispatch_uid="launchdesk.launch_outcome"
        )
