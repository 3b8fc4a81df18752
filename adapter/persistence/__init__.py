"""adapter/persistence."""
