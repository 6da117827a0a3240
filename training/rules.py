"""The standard rule table from a KPI gap to a course topic and a coaching topic.

KPI codes are the appraisal catalogue's (DESIGN.md glossary). The table is installed as
`SuggestionRule` rows by a data migration; admins may edit the rows, add courses with the topic,
or write their own coaching topic. The labels here are what the product shows by default.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# kpi code -> (course topic, course kind, KPI label, standard coaching topic)
STANDARD_RULES = {
    "target_achievement_rate": (
        "closing",
        "sales_skills",
        _("Target achievement rate"),
        _("Review the pipeline and the plan to close the gap to target"),
    ),
    "gross_margin_rate": (
        "pricing",
        "sales_skills",
        _("Gross margin achievement rate"),
        _("Pricing, discounts and selling on value"),
    ),
    "collection_rate": (
        "collection",
        "sales_skills",
        _("Receivables collection rate"),
        _("Receivables collection: overdue accounts, payment terms and follow-up"),
    ),
    "average_daily_visits": (
        "visit_planning",
        "sales_skills",
        _("Average daily visits"),
        _("Visit planning: route, frequency and preparation"),
    ),
    "customer_count": (
        "prospecting",
        "sales_skills",
        _("Customer count"),
        _("Prospecting and developing new customers"),
    ),
    "new_customers": (
        "prospecting",
        "sales_skills",
        _("New customers"),
        _("Prospecting and developing new customers"),
    ),
    "customer_breadth": (
        "market_development",
        "sales_skills",
        _("Customer breadth"),
        _("Opening new industries and market segments"),
    ),
    "product_mix": (
        "product_knowledge",
        "product",
        _("Product mix"),
        _("Focus product lines: knowledge and selling points"),
    ),
    "customer_satisfaction": (
        "customer_service",
        "communication",
        _("Customer satisfaction"),
        _("Communicating with customers and solving their problems"),
    ),
}


def kpi_label(kpi_code: str) -> str:
    rule = STANDARD_RULES.get(kpi_code)
    return str(rule[2]) if rule else kpi_code


def standard_coaching_topic(kpi_code: str) -> str:
    rule = STANDARD_RULES.get(kpi_code)
    return str(rule[3]) if rule else ""
