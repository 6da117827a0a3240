"""Imports of orders (with lines and credit shares) and payments from an ERP's CSV or Excel export.

Two steps, the usual way: a dry run checks every row and lists each bad one with its line number
(the spreadsheet's row number, header = line 1) and the reason; the import checks again and then
writes all rows in one transaction, or none. Orders are keyed on the ERP's order number, payments
on (ERP order number, payment reference), so importing the same file twice changes nothing.

Orders file, one row per order line (the order's columns repeat on each of its lines):
    erp_no, order_date, customer_code, product_code, quantity, unit_price,
    [unit_cost], [channel], [payment_terms_days], [status], [shares]
`shares` is "E0012:60|E0013:40" (employee number : percent); empty = 100% to the customer's owner.
Payments file: erp_no, payment_date, amount, reference.

Files are read by `salesorg.imports.read_table`: CSV in UTF-8 (with or without BOM), GBK/GB18030
or UTF-16, separated by `,` `;` or tab; or Excel .xlsx (date cells read as dates, formulas as
their values). Blank rows are skipped. The file is read twice and never held as rows.
"""

from sales.services.imports.common import ImportResult
from sales.services.imports.jobs import import_job_create, import_job_run, import_run
from sales.services.imports.orders import import_orders
from sales.services.imports.payments import import_payments

__all__ = ["ImportResult", "import_job_create", "import_job_run", "import_orders", "import_payments", "import_run"]
