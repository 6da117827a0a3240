"""Numbers as each language reads them: thousands in English, 万 and 亿 in Chinese (`compact`)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from salesorg.formatting import compact


def test_compact_writes_wan_and_yi_in_chinese_and_thousands_in_english():
    with translation.override("zh-hans"):
        # 20,826,446.28 / 10,000 = 2,082.644628 -> 2,082.64万.
        assert compact(Decimal("20826446.28")) == "2,082.64万"
        # 420,000,000.00 / 100,000,000 = 4.2 -> 4.20亿; 419,800,000.00 -> 4.198 -> 4.20亿 (half up).
        assert compact(Decimal("420000000.00")) == "4.20亿"
        # 200,000.00 / 10,000 = 20 -> 20.00万; below 10,000 the plain amount.
        assert compact(Decimal("200000.00")) == "20.00万"
        assert compact(Decimal("9999.99")) == "9,999.99"
        assert compact(Decimal("12"), "visits") == "12"
        # A negative gap keeps its sign: -15,000.00 -> -1.50万.
        assert compact(Decimal("-15000.00")) == "-1.50万"
    with translation.override("en"):
        assert compact(Decimal("20826446.28")) == "20,826,446.28"
        assert compact(Decimal("420000000.00")) == "420,000,000.00"
        assert compact(None) == "–"
