"""HTTP: routing, parsing, serialising and HubSpot's error bodies."""
