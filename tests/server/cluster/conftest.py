"""The module-scoped cluster of tests/server/cluster: three server processes behind haproxy on a
fresh PostgreSQL schema, started once per module (``tests/support/cluster.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cluster import Cluster, open_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with open_cluster(
        tmp_path_factory.mktemp("cluster"), ["node1", "node2", "node3"], health_path="/api/health"
    ) as made:
        yield made
