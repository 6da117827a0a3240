"""Products, the pipeline, orders and what follows them (payment plans, payments, ERP imports).

These models moved here from `customers`; their tables keep the names they had there
(`Meta.db_table`), so no data moved (migrations 0001 here and customers' 0006 are state only).
"""

from sales.models.approvals import (  # noqa: F401
    LEVEL_ORDER,
    ApprovalLevel,
    ApprovalRule,
    CreditState,
    OrderApprovalStep,
    StepStatus,
    default_matrix,
    level_above,
)
from sales.models.orders import (  # noqa: F401
    Channel,
    CreditShare,
    ImportJob,
    ImportKind,
    ImportStatus,
    Instalment,
    InstalmentStatus,
    Order,
    OrderLine,
    OrderSequence,
    OrderStatus,
    Payment,
    Product,
)
from sales.models.pipeline import (  # noqa: F401
    ForecastCategory,
    Opportunity,
    OpportunityStageChange,
    PipelineStage,
)
from sales.models.quotes import (  # noqa: F401
    Quotation,
    QuotationApprovalStep,
    QuotationLine,
    QuotationSequence,
    QuotationStatus,
)
