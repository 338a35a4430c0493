"""/v1/stats: aggregate statistics (timeline)."""
