"""adapter/signing."""
