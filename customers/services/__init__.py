"""services of the customers app, one module per area (accounts, visits, sales, pipeline, imports)."""
