"""adapter/services."""
