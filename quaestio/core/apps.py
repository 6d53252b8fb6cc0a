from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "quaestio.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.core.page_generation import migrated, migrating, watch_page_writes

        pre_migrate.connect(migrating, sender=self)
        post_migrate.connect(_settle_site_counts, sender=self)
        post_migrate.connect(migrated, sender=self)
        # Every write to what the cached pages show moves the page generation, whoever makes it.
        connection_created.connect(watch_page_writes, dispatch_uid="quaestio.watch_page_writes")


def _settle_site_counts(using="default", **kwargs) -> None:
    """After `migrate`, or a `flush` (tests): recount the site counts when they cannot be
    right — rows missing or below zero, as a flush on SQLite leaves them (it deletes table by
    table and the triggers count each deletion against a count maybe already gone). A sound
    table is left alone, so upgrading a large site does not count it again."""
    from quaestio.core.site_counts import needs_recount, recount_site_counts

    if needs_recount(using):
        recount_site_counts()
