"""/v1/events: coded events, one row each."""
