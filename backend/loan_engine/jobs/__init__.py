"""Work outside a request, on the PostgreSQL-backed queue (Procrastinate), run by `loan-engine worker`."""
