"""Helicopter pickup planning for the Three Forks depot.

The model (sources in :class:`HelicopterSpec`): a Sample Retrieval Lander carries Sample
Recovery Helicopters, which wait beside it. For each tube a helicopter drives onto its pad,
takes off, flies to a landing spot beside the tube, drives onto the tube, grips it, drives
back to the landing spot, flies back to the pad and drives to the lander to hand the tube
over: one continuous path, every movement a leg with its duration. One tube per trip. A
flight is limited in range and flown inside a window of local mean solar time; a helicopter
flies at most ``flights_per_sol`` flights a sol (and, with the energy model, no more than
its battery allows); the pad and the lander's transfer arm serve one helicopter at a time.
Flights avoid no-fly zones and hazardous terrain; where a tube is beyond one flight's range,
the trip lands at relay spots on the way.

Nothing published fixes the lander's position: :func:`plan_pickup` takes it as an input, and
:data:`ASSUMED_LANDER` is an ASSUMPTION, labelled as one wherever it is used.

Objective, in order: fewest sols; then the least flight distance for the busiest helicopter.
Within each helicopter, trips are ordered to maximise the expected value delivered when
flights can fail (highest value per risk first).

Paths are planned in a local metric frame centred on the lander and the tubes
(:func:`marsgeo.crs.local_crs_around`); the pad and the landing spots are placed on the Mars
sphere itself, and every plan is checked against the clearances of its :class:`HelicopterSpec`
measured geodesically before it is returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marsgeo.routing.model import (
    ASSUMED_LANDER,
    MAX_PLAN_RADIUS_M,
    MAX_RELAYS,
    HelicopterSpec,
    PickupPlan,
    assumed_lander_note,
)
from marsgeo.routing.plan import plan_pickup

__all__ = [
    "ASSUMED_LANDER",
    "ASSUMED_LANDER_NOTE",
    "MAX_PLAN_RADIUS_M",
    "MAX_RELAYS",
    "HelicopterSpec",
    "PickupPlan",
    "plan_pickup",
]

#: The label that goes with :data:`ASSUMED_LANDER` wherever it is used: that it is an assumption,
#: and its distance and bearing from the depot centroid (the mean longitude and latitude of the
#: tubes of :func:`marsgeo.load_depot`), geodesic on the Mars sphere. Computed on first use.
ASSUMED_LANDER_NOTE: str

if not TYPE_CHECKING:  # type checkers read the declaration above

    def __getattr__(name: str) -> str:
        # the note is computed from the tube catalogue, which `import marsgeo` does not load
        if name == "ASSUMED_LANDER_NOTE":
            return assumed_lander_note()
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
