"""The review app for hiring leads: session list, session pages, decisions, exports (same server as live)."""
