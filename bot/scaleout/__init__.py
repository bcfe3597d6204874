"""Scale-out mode: PostgreSQL, Redis, several Rasa replicas and action servers (ally up --scale)."""
