"""Internal utilities: export decorator, validation, backend helpers."""
