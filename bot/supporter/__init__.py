"""The supporter side: queue, claims, live updates, takeover, notifications (no web code)."""
