"""Drop the single-column index Django made for a foreign key that a composite index already leads
(owner_id ahead in post_owner_type_idx, post_id ahead in history_post_date_idx): lookups by the
key use the composite one, and the dump import builds (and every write keeps up) one index less.
Only the index goes: done as SQL so SQLite does not rebuild the table and PostgreSQL does not
re-check the constraint."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_post_search_facts_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="post",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="posts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="posthistory",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="posts.post",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "posts_post_owner_id_c4fbf350"',
                    reverse_sql='CREATE INDEX "posts_post_owner_id_c4fbf350" ON "posts_post" ("owner_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "posts_posthistory_post_id_3369ea20"',
                    reverse_sql='CREATE INDEX "posts_posthistory_post_id_3369ea20" ON "posts_posthistory" ("post_id")',
                ),
            ],
        ),
    ]
