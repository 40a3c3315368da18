"""Thin translators between chat platforms and bot.service.ConversationService."""
