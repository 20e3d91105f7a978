"""Reconciliation rules: one small unit per check, each with a stable code."""
