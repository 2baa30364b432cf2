from __future__ import annotations

import os

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, settings

import marsgeo

# figures render off screen: no test opens a window, whatever the machine has
os.environ["MPLBACKEND"] = "Agg"

# "ci" (the default) is derandomized so that a run is repeatable; "dev" explores afresh
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def depot() -> gpd.GeoDataFrame:
    return marsgeo.load_depot()


@pytest.fixture
def tubes(depot: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return depot.copy()
