"""adapter/cli."""
