"""API of the sales app: the pipeline, products, orders (lines, shares and instalments nested) and payments.

Thin: serializers check shapes and types (so a bad field answers 400 naming it), services apply
the rules (staff/authority.py). Every queryset goes through the data-scope rule; outside scope is
404. Every writable relation looks up only what the user may see (`ScopedPrimaryKeyRelatedField`),
so an id outside the user's scope answers exactly like an id that does not exist; products, stages
and competitors are shared catalogues every user sees.
"""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from sales.api.catalogue import PipelineStageViewSet, ProductViewSet
    from sales.api.orders import OrderViewSet
    from sales.api.payments import PaymentViewSet
    from sales.api.pipeline import OpportunityViewSet
    from sales.api.quotes import QuotationViewSet

    router.register("pipeline-stages", PipelineStageViewSet, basename="pipeline-stage")
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
    router.register("products", ProductViewSet, basename="product")
    router.register("orders", OrderViewSet, basename="order")
    router.register("payments", PaymentViewSet, basename="payment")
    router.register("quotations", QuotationViewSet, basename="quotation")
