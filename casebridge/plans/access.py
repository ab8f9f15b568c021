"""Care plans are clinical records (access-policy rules arrive with the models)."""
