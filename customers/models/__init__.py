"""Customers and their record. One module per area, all re-exported here."""

from customers.models.competitors import Competitor
from customers.models.customers import (
    Classification,
    ClassificationChange,
    CreditRating,
    Customer,
    CustomerKind,
    CustomerSource,
    CustomerStatus,
)
from customers.models.follow_ups import FlagStage, FollowUp, FollowUpFlag, FollowUpKind, follow_up_text
from customers.models.locations import LocationProposal, ProposalStatus
from customers.models.pool import CustomerMove, MoveKind, PoolLimit
from customers.models.records import (
    Complaint,
    ComplaintStatus,
    CustomerEvaluation,
    CustomerReward,
    Grade,
    RewardKind,
)
from customers.models.rules import IdleCustomerRule
from customers.models.stakeholders import (
    Attitude,
    Stakeholder,
    StakeholderChange,
    StakeholderChangeKind,
    StakeholderRole,
    StakeholderStatus,
)

__all__ = [
    "Attitude",
    "Classification",
    "ClassificationChange",
    "Competitor",
    "Complaint",
    "ComplaintStatus",
    "CreditRating",
    "Customer",
    "CustomerEvaluation",
    "CustomerKind",
    "CustomerMove",
    "CustomerReward",
    "CustomerSource",
    "CustomerStatus",
    "FlagStage",
    "FollowUp",
    "FollowUpFlag",
    "FollowUpKind",
    "follow_up_text",
    "Grade",
    "IdleCustomerRule",
    "LocationProposal",
    "MoveKind",
    "ProposalStatus",
    "PoolLimit",
    "RewardKind",
    "Stakeholder",
    "StakeholderChange",
    "StakeholderChangeKind",
    "StakeholderRole",
    "StakeholderStatus",
]
