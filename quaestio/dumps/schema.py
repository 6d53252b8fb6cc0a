"""The eight files of a Stack Exchange data dump, attribute by attribute, and where each lands.

One table drives the reader, the importer and the exporter, so a dump attribute and its column
are named in exactly one place. Conventions (see the dump spec, Part A):

* NULL is an absent attribute. A nullable column stores NULL for an absent attribute; a text
  column stores "" (and an attribute present with the value "" is remembered as such in the
  row's extra record, so export reproduces it).
* `required` attributes must be on every row: a row without one is rejected with its file,
  line and id. Required attributes are always exported, even when empty (Posts.Body="").
* Attributes the model has no column for are kept verbatim in the row's extra record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INT, STR, DATE, BOOL, HTML, URL = "int", "str", "date", "bool", "html", "url"


@dataclass(frozen=True)
class Attr:
    name: str  # the dump attribute
    column: str  # the database column
    # INT, STR, DATE, BOOL, HTML (sanitised on import, original kept) or URL (kept only when it
    # is a link by quaestio.core.safe_urls, original kept)
    kind: str
    required: bool = False
    nullable: bool = False  # the column holds NULL for an absent attribute
    omit_false: bool = False  # a False boolean is written by leaving the attribute out


@dataclass(frozen=True)
class DumpFileSpec:
    code: int  # stable number used in DumpExtra.file
    name: str  # "Posts" -> Posts.xml
    root: str  # the root element: <posts>
    table: str
    attrs: tuple[Attr, ...]
    required_file: bool = False
    # The attribute order Stack Exchange wrote in its most recent dumps (Sep 2023): used when
    # the site never imported a dump and so has no recorded order of its own.
    default_order: tuple[str, ...] = field(default=())

    @property
    def filename(self) -> str:
        return f"{self.name}.xml"


def _attr(name, column, kind, *, req=False, null=False, omit_false=False) -> Attr:
    return Attr(name, column, kind, required=req, nullable=null, omit_false=omit_false)


USERS = DumpFileSpec(
    1,
    "Users",
    "users",
    "accounts_user",
    (
        _attr("Id", "id", INT, req=True),
        _attr("Reputation", "reputation", INT, req=True),
        _attr("CreationDate", "creation_date", DATE, req=True),
        _attr("DisplayName", "display_name", STR, req=True),
        _attr("LastAccessDate", "last_access_date", DATE, req=True),
        _attr("WebsiteUrl", "website_url", URL),
        _attr("Location", "location", STR),
        _attr("AboutMe", "about_me", HTML),
        _attr("Views", "views", INT),
        _attr("UpVotes", "up_votes", INT),
        _attr("DownVotes", "down_votes", INT),
        _attr("AccountId", "account_id", INT, null=True),
        _attr("Age", "age", INT, null=True),
        _attr("ProfileImageUrl", "profile_image_url", URL),
    ),
    required_file=True,
)

POSTS = DumpFileSpec(
    2,
    "Posts",
    "posts",
    "posts_post",
    (
        _attr("Id", "id", INT, req=True),
        _attr("PostTypeId", "post_type", INT, req=True),
        _attr("AcceptedAnswerId", "accepted_answer_id", INT, null=True),
        _attr("ParentId", "parent_id", INT, null=True),
        _attr("CreationDate", "creation_date", DATE, req=True),
        _attr("Score", "score", INT, req=True),
        _attr("ViewCount", "view_count", INT, null=True),
        _attr("Body", "body", HTML, req=True),
        _attr("OwnerUserId", "owner_id", INT, null=True),
        _attr("OwnerDisplayName", "owner_display_name", STR),
        _attr("LastEditorUserId", "last_editor_id", INT, null=True),
        _attr("LastEditorDisplayName", "last_editor_display_name", STR),
        _attr("LastEditDate", "last_edit_date", DATE, null=True),
        _attr("LastActivityDate", "last_activity_date", DATE, req=True),
        _attr("Title", "title", STR),
        _attr("Tags", "tags", STR),
        _attr("AnswerCount", "answer_count", INT, null=True),
        _attr("CommentCount", "comment_count", INT),
        _attr("FavoriteCount", "favorite_count", INT, null=True),
        _attr("ClosedDate", "closed_date", DATE, null=True),
        _attr("CommunityOwnedDate", "community_owned_date", DATE, null=True),
        _attr("ContentLicense", "content_license", STR),
    ),
    required_file=True,
)

POST_HISTORY = DumpFileSpec(
    3,
    "PostHistory",
    "posthistory",
    "posts_posthistory",
    (
        _attr("Id", "id", INT, req=True),
        _attr("PostHistoryTypeId", "post_history_type", INT, req=True),
        _attr("PostId", "post_id", INT, req=True),
        _attr("RevisionGUID", "revision_guid", STR, req=True),
        _attr("CreationDate", "creation_date", DATE, req=True),
        _attr("UserId", "user_id", INT, null=True),
        _attr("UserDisplayName", "user_display_name", STR),
        _attr("Comment", "comment", STR),
        _attr("Text", "text", STR),
        _attr("ContentLicense", "content_license", STR),
    ),
)

COMMENTS = DumpFileSpec(
    4,
    "Comments",
    "comments",
    "comments_comment",
    (
        _attr("Id", "id", INT, req=True),
        _attr("PostId", "post_id", INT, req=True),
        _attr("Score", "score", INT, req=True),
        _attr("Text", "text", STR, req=True),
        _attr("CreationDate", "creation_date", DATE, req=True),
        _attr("UserDisplayName", "user_display_name", STR),
        _attr("UserId", "user_id", INT, null=True),
        _attr("ContentLicense", "content_license", STR),
    ),
)

VOTES = DumpFileSpec(
    5,
    "Votes",
    "votes",
    "votes_vote",
    (
        _attr("Id", "id", INT, req=True),
        _attr("PostId", "post_id", INT, req=True),
        _attr("VoteTypeId", "vote_type", INT, req=True),
        _attr("UserId", "user_id", INT, null=True),
        _attr("CreationDate", "creation_date", DATE, req=True),
        _attr("BountyAmount", "bounty_amount", INT, null=True),
    ),
)

BADGES = DumpFileSpec(
    6,
    "Badges",
    "badges",
    "badges_badge",
    (
        _attr("Id", "id", INT, req=True),
        _attr("UserId", "user_id", INT, req=True),
        _attr("Name", "name", STR, req=True),
        _attr("Date", "date", DATE, req=True),
        _attr("Class", "badge_class", INT, req=True),
        _attr("TagBased", "tag_based", BOOL, req=True),
    ),
)

POST_LINKS = DumpFileSpec(
    7,
    "PostLinks",
    "postlinks",
    "posts_postlink",
    (
        _attr("Id", "id", INT, req=True),
        _attr("CreationDate", "creation_date", DATE, req=True),
        _attr("PostId", "post_id", INT, req=True),
        _attr("RelatedPostId", "related_post_id", INT, req=True),
        _attr("LinkTypeId", "link_type", INT, req=True),
    ),
)

TAGS = DumpFileSpec(
    8,
    "Tags",
    "tags",
    "tags_tag",
    (
        _attr("Id", "id", INT, req=True),
        _attr("TagName", "name", STR, req=True),
        _attr("Count", "count", INT, req=True),
        _attr("ExcerptPostId", "excerpt_post_id", INT, null=True),
        _attr("WikiPostId", "wiki_post_id", INT, null=True),
        _attr("IsModeratorOnly", "is_moderator_only", BOOL, omit_false=True),
        _attr("IsRequired", "is_required", BOOL, omit_false=True),
    ),
)

# Load order: users and tags first (posts refer to both), posts before what hangs off them.
# Badges refer to users only and come before the posts: their server-side work (the badge
# recount rewrites up to every user row, then the users' indexes are built) then runs while
# the parsing process is busy with Posts.xml, the longest file to parse, instead of after the
# last file is parsed, when the import's database work runs with the other core idle.
IMPORT_ORDER: tuple[DumpFileSpec, ...] = (
    USERS,
    TAGS,
    BADGES,
    POSTS,
    POST_HISTORY,
    COMMENTS,
    VOTES,
    POST_LINKS,
)

# Sep 2023 orders (bicycles.meta), the newest era we hold; exports of a site that never
# imported a dump use them.
_DEFAULT_ORDERS = {
    "Users": "Id Reputation CreationDate DisplayName LastAccessDate WebsiteUrl Location AboutMe "
    "Views UpVotes DownVotes ProfileImageUrl AccountId Age",
    "Posts": "Id PostTypeId AcceptedAnswerId ParentId CreationDate Score ViewCount Body OwnerUserId "
    "OwnerDisplayName LastEditorUserId LastEditorDisplayName LastEditDate LastActivityDate Title "
    "Tags AnswerCount CommentCount FavoriteCount ClosedDate CommunityOwnedDate ContentLicense",
    "PostHistory": "Id PostHistoryTypeId PostId RevisionGUID CreationDate UserId UserDisplayName "
    "Comment Text ContentLicense",
    "Comments": "Id PostId Score Text CreationDate UserDisplayName UserId ContentLicense",
    "Votes": "Id PostId VoteTypeId UserId CreationDate BountyAmount",
    "Badges": "Id UserId Name Date Class TagBased",
    "PostLinks": "Id CreationDate PostId RelatedPostId LinkTypeId",
    "Tags": "Id TagName Count ExcerptPostId WikiPostId IsModeratorOnly IsRequired",
}
for _spec in IMPORT_ORDER:
    object.__setattr__(_spec, "default_order", tuple(_DEFAULT_ORDERS[_spec.name].split()))

# Vote types whose voter Stack Exchange publishes (favourite, bounty start); all others are
# exported without a UserId, and every vote's date without its time of day.
VOTE_TYPES_WITH_VOTER = frozenset({5, 8})
