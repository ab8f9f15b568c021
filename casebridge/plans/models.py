"""Person-centred care plans: versioned plans, goals in the person's words, steps, progress."""
