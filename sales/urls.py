"""Pages of the sales app (they keep the addresses they had under /sales/)."""

from sales.views import urlpatterns as sales_urlpatterns
from sales.views_quotes import urlpatterns as quotation_urlpatterns

app_name = "sales"
urlpatterns = [*sales_urlpatterns, *quotation_urlpatterns]
