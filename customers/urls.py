"""Pages of the customers app."""

from customers.views.accounts import urlpatterns as account_urlpatterns

app_name = "customers"
urlpatterns = [*account_urlpatterns]
