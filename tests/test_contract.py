"""docs/data-contract.md is what `python -m pipelines.publish.contract` generates today. (That
every published column is in it is checked on a real run in tests/test_pipeline_e2e.py.)"""

from __future__ import annotations

from pipelines.publish.contract import CONTRACT_PATH, published_tables, render


def test_the_committed_data_contract_is_not_stale():
    assert CONTRACT_PATH.read_text() == render(published_tables()), \
        "run: python -m pipelines.publish.contract"


def test_every_mart_and_column_has_a_description():
    for table in published_tables().values():
        assert table.description, table.name
        assert table.columns, table.name
        assert all(text for text in table.columns.values()), (table.name, table.columns)
