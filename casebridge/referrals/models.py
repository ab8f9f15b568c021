"""Outbound service referrals with a closed-loop state machine."""
