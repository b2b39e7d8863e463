"""Identification: referral, the identification interview (1a form), the trafficking
assessment by the competent authority, and the 72-hour rule (DOMAIN.md §1–4)."""
