"""Writes of the sales app, by area: `orders`, `quotes`, `payments`, `instalments` (payment plans),
`pipeline`, `products`, `imports`; `access` holds who may act on an order.

The order, quotation, payment and payment-plan writes and their inputs are re-exported here, so
that callers write `from sales import services` and `services.order_create(...)`.
"""

from sales.domain import InstalmentInput, LineInput, ShareInput
from sales.services.instalments import instalments_mark_overdue, instalments_send_reminders
from sales.services.orders import (
    order_approve,
    order_cancel,
    order_create,
    order_recompute,
    order_reject,
    order_set_payment_plan,
    order_submit,
    order_update,
)
from sales.services.payments import payment_confirm, payment_create, payment_reject
from sales.services.quotes import (
    QuoteLineInput,
    quote_accept,
    quote_approve,
    quote_convert,
    quote_create,
    quote_decline,
    quote_from_opportunity,
    quote_reject,
    quote_send,
    quote_submit,
    quote_update,
    quotes_expire,
)

__all__ = [
    "InstalmentInput",
    "LineInput",
    "ShareInput",
    "instalments_mark_overdue",
    "instalments_send_reminders",
    "order_approve",
    "order_cancel",
    "order_create",
    "order_recompute",
    "order_reject",
    "order_set_payment_plan",
    "order_submit",
    "order_update",
    "payment_confirm",
    "payment_reject",
    "payment_create",
    "QuoteLineInput",
    "quote_accept",
    "quote_approve",
    "quote_convert",
    "quote_create",
    "quote_decline",
    "quote_from_opportunity",
    "quote_reject",
    "quote_send",
    "quote_submit",
    "quote_update",
    "quotes_expire",
]
