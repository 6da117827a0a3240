"""Reports: pages with filters and streamed CSV / Excel exports of exactly the filtered rows."""
