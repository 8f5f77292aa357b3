"""Mail the product sends: the outbox (written in the cause's transaction), templates, SMTP delivery."""
