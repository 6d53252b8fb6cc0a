"""Every page's URL. Each area of the site keeps its routes beside its views in web/views/."""

from quaestio.web.views import (
    accounts,
    moderation,
    questions,
    revisions,
    search,
    site,
    tags,
    users,
    voting,
    writing,
)

urlpatterns = (
    site.urlpatterns
    # Before questions: /questions/<id>/answer would otherwise match /questions/<id>/<slug>.
    + writing.urlpatterns
    + questions.urlpatterns
    + revisions.urlpatterns
    + users.urlpatterns
    + tags.urlpatterns
    + accounts.urlpatterns
    + voting.urlpatterns
    + search.urlpatterns
    + moderation.urlpatterns
)
