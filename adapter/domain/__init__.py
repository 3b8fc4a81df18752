"""adapter/domain."""
