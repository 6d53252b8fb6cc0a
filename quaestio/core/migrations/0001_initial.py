"""Site-wide counts kept by triggers (core/site_counts.py): the table, then the triggers on
posts, users, tags and badges, and a first count from the rows (on a large site a scan of each
table, once)."""

from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from quaestio.core.site_counts import install_triggers as install

    install(schema_editor)


def uninstall_triggers(apps, schema_editor):
    from quaestio.core.site_counts import drop_triggers

    drop_triggers()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_throttle_counter_pending_signup"),
        ("tags", "0001_initial"),
        ("posts", "0007_post_deleted_closed_idx"),
        ("badges", "0003_badgecount"),
        ("comments", "0002_fk_index_covered_by_composite"),
        ("votes", "0003_fk_index_covered_by_composite"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteCount",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install_triggers, uninstall_triggers, elidable=False),
    ]
