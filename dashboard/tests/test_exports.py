from decimal import Decimal

from salesorg.exports import safe_cell


def test_cells_that_a_spreadsheet_would_run_are_defused():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+86 21") == "'+86 21"
    assert safe_cell("-cmd") == "'-cmd"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx"
    # Numbers stay numbers, negative ones included; plain text is untouched.
    assert safe_cell(Decimal("-100.00")) == Decimal("-100.00")
    assert safe_cell(-3) == -3
    assert safe_cell("华东大区") == "华东大区"
    assert safe_cell(None) == ""
