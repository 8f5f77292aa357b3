"""The append-only audit trail: any feature records its events here (`audit.service.record`) with the
event types it declares (`audit.events.event_type`); admins read it through `GET /api/admin/audit`."""
