"""Operational endpoints: health, readiness, metrics, the OpenAPI document and its reference UI."""
