"""adapter/soap."""
