"""/v1/event-types: the PLOVER and ACLED vocabularies."""
