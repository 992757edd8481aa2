"""Kept only while api/ still imports the scope helpers from here: they live in reports/scoping.py.

The reads for the leader's pages are split by concern: reports/scoping.py (committees in scope, own group or
subtree), reports/months.py, reports/figures.py (the one Figure type), reports/dashboard.py, reports/drill.py.
"""
from .scoping import (  # noqa: F401  (re-exported until every caller imports reports.scoping)
    breadcrumb,
    committee_for,
    nothing_readable_above,
    reads_subtree,
    start_committee,
    sub_committees,
)
