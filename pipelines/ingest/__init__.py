"""Ingest: landed OPD exports -> canonical Parquet rows with lineage (see ``schema``)."""
