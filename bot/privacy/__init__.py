"""A person's right to have their data deleted, completely."""
