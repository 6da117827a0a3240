"""Pages of the customers app."""

from customers.views.accounts import urlpatterns as account_urlpatterns
from customers.views.locations import urlpatterns as location_urlpatterns
from customers.views.pick import urlpatterns as pick_urlpatterns

app_name = "customers"
urlpatterns = [*account_urlpatterns, *location_urlpatterns, *pick_urlpatterns]
