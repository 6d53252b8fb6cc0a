"""Tag wikis written on the site leave in the data dump as Stack Exchange's do: posts of
types 4 and 5 with their history, linked from Tags.ExcerptPostId and WikiPostId."""

from __future__ import annotations

import re

from quaestio.dumps.exporter import export_dump
from quaestio.tags.models import Tag
from quaestio.tags.wiki import tag_wiki_edit


def test_export_keeps_the_excerpt_and_wiki_posts_and_their_links(tmp_path, ask, make_user):
    ask(tags="rome")
    tag_wiki_edit(
        make_user(is_moderator=True), "rome", excerpt="About Rome.", wiki="The wiki of Rome."
    )
    tag = Tag.objects.get(name="rome")
    export_dump(tmp_path)
    posts = (tmp_path / "Posts.xml").read_text(encoding="utf-8-sig")
    tags = (tmp_path / "Tags.xml").read_text(encoding="utf-8-sig")
    history = (tmp_path / "PostHistory.xml").read_text(encoding="utf-8-sig")
    assert re.search(rf'Id="{tag.excerpt_post_id}" PostTypeId="4"', posts)
    assert re.search(rf'Id="{tag.wiki_post_id}" PostTypeId="5"', posts)
    row = re.search(r"<row [^>]*TagName=\"rome\"[^>]*/>", tags).group(0)
    assert f'ExcerptPostId="{tag.excerpt_post_id}"' in row
    assert f'WikiPostId="{tag.wiki_post_id}"' in row
    assert f'PostId="{tag.wiki_post_id}"' in history and "The wiki of Rome." in history
