from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from appraisal import api as appraisal_api
from customers import api as customers_api
from dashboard import views as dashboard_views
from fieldwork import api as fieldwork_api
from notifications import api as notifications_api
from sales import api as sales_api
from salesorg.api import ObtainAuthToken
from staff import api as staff_api
from staff import views as staff_views
from targets import api as targets_api
from training import api as training_api

router = DefaultRouter()
staff_api.register(router)
customers_api.register(router)
sales_api.register(router)
fieldwork_api.register(router)
targets_api.register(router)
training_api.register(router)
appraisal_api.register(router)

api_urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("inbox/", include(notifications_api.urlpatterns)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages without a link to the icon (the admin)."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("favicon.ico", favicon),
    # The inbox keeps the address it had when it lived in the dashboard.
    path("dashboard/notifications/", include("notifications.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("inbox/", include("notifications.approval_urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", staff_views.set_language, name="set-language"),
    path("org/", include("staff.urls")),
    path("customers/", include("customers.urls")),
    # Orders, visits and expenses keep the addresses they had when they lived in customers.
    path("customers/", include("sales.urls")),
    path("customers/", include("fieldwork.urls")),
    path("targets/", include("targets.urls")),
    path("training/", include("training.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("api/v1/", include(api_urlpatterns)),
    path("admin/", admin.site.urls),
]
