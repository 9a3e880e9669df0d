"""Clusters: the largest training run an actor can put together.

A run needs one cluster: one site or interconnect domain. The owned part is the share of the leading lab's
training chips that can work as one cluster; a rented cluster abroad is used whole, not diluted by any share.
For one firm (Baidu) the leading lab is the actor itself (``lab_share`` = 1); for the China aggregate it is
the lab with the largest fleet, so the national fleet is not one run.

Scattered rentals (the ``remote_access`` flow of many small cloud fronts) train models, so they count in the
actor's compute, but they are not one cluster and do not enter the largest run.
"""

from __future__ import annotations


def training_fleet_h100e(owned_h100e, training_share):
    """Owned compute kept for training rather than serving [H100e]."""
    return owned_h100e * training_share


def owned_cluster_h100e(owned_h100e, training_share, lab_share, cluster_share):
    """The largest owned cluster [H100e]: actor fleet × training share × leading lab's share × cluster share."""
    return owned_h100e * (training_share * lab_share * cluster_share)


def largest_cluster_h100e(owned_h100e, training_share, lab_share, cluster_share, rented_cluster_h100e):
    """The largest cluster one run can use [H100e]: the owned cluster plus a rented cluster used whole.

    Assumption: a run can span the owned and the rented cluster (multi-site training, as Gemini Ultra did
    across data centres [K59]); with the two far apart this overstates what one run can use by at most 2×.
    """
    return owned_cluster_h100e(owned_h100e, training_share, lab_share, cluster_share) + rented_cluster_h100e
