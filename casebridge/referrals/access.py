"""Outbound referrals are visible to the care team and to the receiving provider."""
