"""Small helpers with no models and no views."""
