"""Identity and access: accounts, passwords, tokens, sessions, roles, API clients and throttling."""
