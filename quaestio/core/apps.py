from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "quaestio.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_settle_site_counts, sender=self)


def _settle_site_counts(using="default", **kwargs) -> None:
    """After `migrate`, or a `flush` (tests): recount the site counts when they cannot be
    right — rows missing or below zero, as a flush on SQLite leaves them (it deletes table by
    table and the triggers count each deletion against a count maybe already gone). A sound
    table is left alone, so upgrading a large site does not count it again."""
    from quaestio.core.site_counts import needs_recount, recount_site_counts

    if needs_recount(using):
        recount_site_counts()
