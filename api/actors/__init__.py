"""/v1/actors: actor suggestions and profiles."""
