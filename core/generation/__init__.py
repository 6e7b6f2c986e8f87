"""Conversation generation: template variables, prompts, template choice, the service, failure records."""
