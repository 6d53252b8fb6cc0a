"""The answered questions' set (core/answered.py) and the tags' kept last activity
(tags/activity.py): the table, then every counting trigger installed again (with the new ones)
and the counts recounted (on a large site a pass over the posts and the tag links, once)."""

from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from quaestio.core.site_counts import install_triggers as install

    install(schema_editor)


def uninstall_new_triggers(apps, schema_editor):
    from django.db import connection

    with connection.cursor() as cursor:
        for table, name in (
            *(("posts_post", f"quaestio_count_answered_{s}") for s in ("ins", "del", "upd")),
            *(
                ("core_answeredquestion", f"quaestio_count_core_answeredquestion_{s}")
                for s in ("ins", "del", "upd")
            ),
            ("posts_post", "quaestio_count_tagact_post"),
            ("tags_posttag", "quaestio_count_tagact_posttag"),
        ):
            suffix = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{suffix}")


class Migration(migrations.Migration):
    # After every migration that rebuilds posts_post on SQLite (posts 0011 adds NOT NULL columns,
    # which SQLite can only do by copying the table): its final RENAME fails once a trigger on
    # another table (tags_posttag's here) names posts_post. A later migration that rebuilds a
    # counted table must drop the counting triggers first and install them again after
    # (core.site_counts.drop_triggers / install_triggers).
    dependencies = [
        ("core", "0003_page_generation"),
        ("tags", "0004_tag_last_activity"),
        ("posts", "0011_ai_disclosure"),
    ]

    operations = [
        migrations.CreateModel(
            name="AnsweredQuestion",
            fields=[
                ("question_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunPython(install_triggers, uninstall_new_triggers, elidable=False),
    ]
