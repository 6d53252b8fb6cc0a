"""Drop the single-column index Django made for a foreign key that a composite index already leads
(post_id ahead in comment_post_date_idx): lookups by the key use the composite one, and the dump
import builds (and every write keeps up) one index less. Only the index goes: done as SQL so
SQLite does not rebuild the table and PostgreSQL does not re-check the constraint."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("posts", "0004_fk_index_covered_by_composite"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="posts.post",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "comments_comment_post_id_96a9ac05"',
                    reverse_sql='CREATE INDEX "comments_comment_post_id_96a9ac05" ON "comments_comment" ("post_id")',
                ),
            ],
        ),
    ]
