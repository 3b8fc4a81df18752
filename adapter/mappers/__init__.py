"""adapter/mappers."""
