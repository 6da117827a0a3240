"""Pages of field work: visits, expense claims, intelligence notes, and the scoped file views
(they keep the addresses they had under /customers/)."""

from fieldwork.views.files import urlpatterns as file_urlpatterns
from fieldwork.views.intel import urlpatterns as intel_urlpatterns
from fieldwork.views.plans import urlpatterns as plan_urlpatterns
from fieldwork.views.visits import urlpatterns as visit_urlpatterns

app_name = "fieldwork"
urlpatterns = [*visit_urlpatterns, *file_urlpatterns, *intel_urlpatterns, *plan_urlpatterns]
