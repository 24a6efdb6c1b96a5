"""Publish: the audited marts copied to the file BI tools read (``data/published/skm.duckdb``)."""
