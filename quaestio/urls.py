from django.urls import include, path

urlpatterns = [
    path("2.3/", include("quaestio.api.urls")),
    path("", include("quaestio.api.pages")),
    path("", include("quaestio.live.urls")),
    path("", include("quaestio.web.urls")),
]

handler500 = "quaestio.web.views.errors.server_error"
