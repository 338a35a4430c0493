"""/v1/places: place suggestions and profiles with their hierarchy."""
