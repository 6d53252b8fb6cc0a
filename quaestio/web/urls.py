"""Every page's URL. Each area of the site keeps its routes beside its views in web/views/."""

from quaestio.web.views import (
    accounts,
    closing,
    community_wiki,
    deletion,
    flags,
    moderation,
    post_states,
    post_tools,
    questions,
    review,
    revisions,
    search,
    site,
    spam_defence,
    tags,
    theme,
    timeline,
    uploads,
    user_moderation,
    users,
    voting,
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
    + users.urlpatterns
    + tags.urlpatterns
    + accounts.urlpatterns
    + uploads.urlpatterns
    + theme.urlpatterns
    + voting.urlpatterns
    + search.urlpatterns
    + moderation.urlpatterns
    + deletion.urlpatterns
    + timeline.urlpatterns
    + community_wiki.urlpatterns
    + review.urlpatterns
    + spam_defence.urlpatterns
    + post_tools.urlpatterns
)
