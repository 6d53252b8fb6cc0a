"""PostgreSQL: a trigram index (pg_trgm) on tag names, for the API's `inname` (a substring
match, as Stack Exchange's). Measured over 65,000 tags (Stack Overflow's count; load 6.7 on a
2-core box): a rare substring read every tag, 50-80 ms; from this index 0.3-1.3 ms. Where the
extension cannot be created, and on SQLite (21-32 ms at 65,000 tags, measured the same way),
`inname` reads the tags table: bounded by the number of tags, not of posts."""

from django.db import migrations

from quaestio.core.db import trigram_index

create, drop = trigram_index("tags_tag", "name", "tag_name_trigram_idx")


class Migration(migrations.Migration):
    dependencies = [("tags", "0006_related_tag_pairs_and_count_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
