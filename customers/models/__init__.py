"""Customers and the commercial record. One module per area, all re-exported here."""

from customers.models.accounts import Classification, Customer, CustomerKind, CustomerStatus  # noqa: F401
from customers.models.pipeline import Opportunity, OpportunityStageChange, PipelineStage  # noqa: F401
from customers.models.sales import (  # noqa: F401
    Channel,
    CreditShare,
    ImportJob,
    ImportKind,
    ImportStatus,
    Instalment,
    InstalmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    Product,
)
from customers.models.visits import ExpenseClaim, ExpenseStatus, Visit, VisitKind  # noqa: F401
