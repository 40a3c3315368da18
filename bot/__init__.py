"""Debrief: the platform-neutral product (engine, flow, service). Imports no chat SDK."""
