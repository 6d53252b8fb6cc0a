from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "quaestio.moderation"
    label = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.moderation.flag_handling import on_post_written
        from quaestio.posts.events import post_written

        # Flags on a post deleted any way are resolved as helpful (spec §7.8).
        post_written.connect(on_post_written, dispatch_uid="moderation.flags.post_written")
