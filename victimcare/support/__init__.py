"""Support during the reflection or restitution period (DOMAIN.md §5–7)."""
