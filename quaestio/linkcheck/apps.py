from django.apps import AppConfig


class LinkcheckConfig(AppConfig):
    name = "quaestio.linkcheck"
    label = "linkcheck"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.linkcheck import receivers
        from quaestio.posts.events import post_written

        post_written.connect(receivers.on_post_written, dispatch_uid="linkcheck.post_written")
