"""What every HTTP feature shares: the base of request/response types and the one pagination style."""
