"""Every page's URL. Each area of the site keeps its routes beside its views in web/views/."""

from quaestio.web.views import (
    account_settings,
    accounts,
    bulk_cleanup,
    chat,
    closing,
    community_wiki,
    dead_links,
    deletion,
    feeds,
    flags,
    inbox,
    mail,
    moderation,
    post_states,
    post_tools,
    privacy,
    questions,
    review,
    revisions,
    search,
    site,
    spam_defence,
    sso,
    tag_wikis,
    tags,
    theme,
    timeline,
    uploads,
    user_moderation,
    users,
    voting,
    webhooks,
    writing,
)

urlpatterns = (
    site.urlpatterns
    # The question page is the site's most visited and Django tries routes in order, so it comes
    # early: after the one route its <slug> would otherwise take, /questions/<id>/answer.
    + [route for route in writing.urlpatterns if route.name == "answer"]
    + closing.urlpatterns  # before questions/<id>/<slug>, which would take /close
    + post_states.urlpatterns  # and /protect, /unprotect
    + questions.urlpatterns
    + [route for route in writing.urlpatterns if route.name != "answer"]
    + revisions.urlpatterns
    + flags.urlpatterns  # before users/<id>/<slug>, which would take /flags
    + user_moderation.urlpatterns  # before users/<id>/<slug>, which would take /suspend
    + privacy.urlpatterns
    + account_settings.urlpatterns
    + users.urlpatterns
    + tags.urlpatterns
    + tag_wikis.urlpatterns  # before review/<queue>, which would take /review/tag-wiki-edits
    + accounts.urlpatterns
    + inbox.urlpatterns
    + feeds.urlpatterns
    + uploads.urlpatterns
    + theme.urlpatterns
    + voting.urlpatterns
    + search.urlpatterns
    + moderation.urlpatterns
    + deletion.urlpatterns
    + dead_links.urlpatterns
    + timeline.urlpatterns
    + community_wiki.urlpatterns
    + review.urlpatterns
    + spam_defence.urlpatterns
    + post_tools.urlpatterns
    + webhooks.urlpatterns
    + bulk_cleanup.urlpatterns
    + mail.urlpatterns
    + sso.urlpatterns
    + chat.urlpatterns
)
