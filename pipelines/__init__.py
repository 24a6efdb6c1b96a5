"""SKM warehouse: the Dagster code location.

Stages, each in its own sub-package: ``ingest`` (OPD exports -> canonical Parquet),
``transform`` (dbt in DuckDB -> IKM marts), ``quality`` (gates), ``publish`` (snapshot for BI).
"""
